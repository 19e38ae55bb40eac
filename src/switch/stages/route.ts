// Stage route: by BIN for authorizations and financial requests (no route: RC 15), to the
// original's issuer for reversals (no original: RC 25 for 0400, acknowledged for 0420 advices).

import type { TxnContext } from '../context.js';
import type { SwitchEnv } from '../env.js';
import { stanOf, terminalOf, transmissionTimeOf } from '../fields.js';
import type { Original } from '../originals.js';
import { RC } from '../result-codes.js';

/** The original a reversal names: by DE 90 when it carries one, else by its DE 11 + DE 41 + DE 7. */
function findOriginal(ctx: TxnContext, env: SwitchEnv): Original | undefined {
  const req = ctx.request;
  const de90 = req.get(90);
  if (typeof de90 === 'string' && de90.length >= 31) {
    const found = env.originals.find({ de90 });
    if (found !== undefined) return found;
  }
  return env.originals.find({ stan: stanOf(req), terminal: terminalOf(req), transmission: transmissionTimeOf(req) });
}

export function route(ctx: TxnContext, env: SwitchEnv): void {
  if (ctx.kind === 'network') {
    ctx.route = { issuer: 'switch', bin: '' };
    return;
  }
  if (ctx.kind === 'reversal') {
    const original = findOriginal(ctx, env);
    if (original === undefined) {
      const isAdvice = ctx.request.mti[2] === '2';
      if (isAdvice) ctx.decide(RC.APPROVED, 'reversal advice for an unknown original acknowledged');
      else ctx.decide(RC.ORIGINAL_NOT_FOUND, 'original not found');
      return;
    }
    ctx.original = original;
    ctx.route = { issuer: original.issuer, bin: '' };
    return;
  }
  const found = env.routes.lookup(ctx.pan as string);
  if (found === null) {
    ctx.decide(RC.NO_SUCH_ISSUER, 'no BIN route');
    return;
  }
  ctx.route = found;
  if (!env.issuers.has(found.issuer)) ctx.decide(RC.ISSUER_UNAVAILABLE, `issuer ${found.issuer} is not configured`);
}

