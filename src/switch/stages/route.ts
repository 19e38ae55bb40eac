// Stage route: by BIN for authorizations and financial requests (no route: RC 15), to the
// original's issuer for reversals (no original: RC 25 for 0400, acknowledged for 0420 advices).
// In 1993: 908 and 914, the original named by DE 56 instead of DE 90.

import type { TxnContext } from '../context.js';
import type { SwitchEnv } from '../env.js';
import { fieldText, stanOf, terminalOf } from '../fields.js';
import type { Original } from '../originals.js';

/** The original a reversal names: by DE 90 (DE 56) when it carries one, else by its DE 11 + DE 41 + DE 7 (DE 12). */
function findOriginal(ctx: TxnContext, env: SwitchEnv): Original | undefined {
  const req = ctx.request;
  const ref = env.dialect.originalRefOf(req);
  if (ref !== null) {
    const found = env.originals.find(ref);
    if (found !== undefined) return found;
  }
  return env.originals.find({ stan: stanOf(req), terminal: terminalOf(req), transmission: fieldText(req, env.dialect.originalTimeDe) });
}

export function route(ctx: TxnContext, env: SwitchEnv): void {
  const codes = env.dialect.codes;
  if (ctx.kind === 'network') {
    ctx.route = { issuer: 'switch', bin: '' };
    return;
  }
  if (ctx.kind === 'reversal') {
    const original = findOriginal(ctx, env);
    if (original === undefined) {
      const isAdvice = ctx.request.mti[2] === '2';
      if (isAdvice) ctx.decide(codes.REVERSAL_ACCEPTED, 'reversal advice for an unknown original acknowledged');
      else ctx.decide(codes.ORIGINAL_NOT_FOUND, 'original not found');
      return;
    }
    ctx.original = original;
    ctx.route = { issuer: original.issuer, bin: '' };
    return;
  }
  const found = env.routes.lookup(ctx.pan as string);
  if (found === null) {
    ctx.decide(codes.NO_SUCH_ISSUER, 'no BIN route');
    return;
  }
  ctx.route = found;
  if (!env.issuers.has(found.issuer)) ctx.decide(codes.ISSUER_UNAVAILABLE, `issuer ${found.issuer} is not configured`);
}

