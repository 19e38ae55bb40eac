// Stage route: by BIN for authorizations and financial requests (no route: RC 15), to the
// original's issuer for reversals (no original: RC 25 for 0400, acknowledged for 0420 advices).
// In 1993: 908 and 914, the original named by DE 56 instead of DE 90. A routed request is in
// flight until its commit phase ends; a reversal that names one in flight waits for it, on this
// switch or, with a shared store, on another.

import type { TxnContext } from '../context.js';
import type { SwitchEnv } from '../env.js';
import { DuplicateCache } from '../duplicates.js';
import { acquirerOf, fieldText, stanOf, terminalOf } from '../fields.js';
import { idsOfRef, keyOfRef, originalKey, type Original, type OriginalRef } from '../originals.js';

type Found = Original | undefined | Promise<Original | undefined>;

/**
 * The original a reversal names: by DE 90 (DE 56) when it carries one, else by its DE 11 + DE 41 +
 * DE 7 (DE 12). Not found while a request it may name is still in flight: a promise of the search
 * made again once that one is decided. A shared store's finds are promises; the in-memory table's are not.
 */
function findOriginal(ctx: TxnContext, env: SwitchEnv, mayWait: boolean): Found {
  const ref = env.dialect.originalRefOf(ctx.request);
  const byRef = ref === null ? undefined : env.originals.find(ref);
  if (byRef instanceof Promise) return byRef.then((found) => found ?? findByOwn(ctx, env, ref, mayWait));
  return byRef ?? findByOwn(ctx, env, ref, mayWait);
}

/** The search by the reversal's own DE 11 + DE 41 + time, then the wait for a request in flight it may name. */
function findByOwn(ctx: TxnContext, env: SwitchEnv, ref: OriginalRef | null, mayWait: boolean): Found {
  const req = ctx.request;
  const own = { stan: stanOf(req), terminal: terminalOf(req), transmission: fieldText(req, env.dialect.originalTimeDe) };
  const found = env.originals.find(own);
  if (found instanceof Promise) return found.then((o) => o ?? waitInFlight(ctx, env, ref, own, mayWait));
  return found ?? waitInFlight(ctx, env, ref, own, mayWait);
}

function waitInFlight(ctx: TxnContext, env: SwitchEnv, ref: OriginalRef | null, own: { stan: string; transmission: string }, mayWait: boolean): Found {
  if (!mayWait) return undefined;
  const inFlight = env.originals.inFlight;
  const settled = (ref === null ? null : inFlight.settled(keyOfRef(ref))) ?? inFlight.settled(originalKey(own.stan, own.transmission));
  if (settled !== null) return settled.then(() => findOriginal(ctx, env, false));
  const keys = env.originals.inFlightElsewhere === undefined ? [] : claimKeysOf(ctx, env, ref, own);
  if (keys.length === 0) return undefined;
  return env.originals.inFlightElsewhere!(keys).then((waited) => (waited ? findOriginal(ctx, env, false) : undefined));
}

/**
 * The duplicate keys (DuplicateCache.keyOf) the original may have been claimed under, by another
 * switch sharing the store: with DE 90, its MTI, STAN and time, the reversal's terminal and
 * acquirer (as sent, and as DE 90 zero-fills it); without, an authorization or a financial request
 * of the reversal's own STAN and time. None where the original's time is not DE 7 (1993's DE 12),
 * which the duplicate key does not hold.
 */
function claimKeysOf(ctx: TxnContext, env: SwitchEnv, ref: OriginalRef | null, own: { stan: string; transmission: string }): string[] {
  if (env.dialect.originalTimeDe !== 7) return [];
  const req = ctx.request;
  const terminal = terminalOf(req);
  const acquirer = acquirerOf(req);
  const ids = ref === null ? null : idsOfRef(ref);
  if (ids !== null && 'mti' in ids) {
    const acquirers = ids.acquirer === acquirer ? [acquirer] : [acquirer, ids.acquirer];
    return acquirers.map((a) => DuplicateCache.keyOf(ids.mti.slice(0, 3), a, terminal, ids.stan, ids.transmission));
  }
  const version = req.mti[0];
  return [`${version}10`, `${version}20`].map((mti) => DuplicateCache.keyOf(mti, acquirer, terminal, own.stan, own.transmission));
}

function routeReversal(ctx: TxnContext, env: SwitchEnv, original: Original | undefined): void {
  const codes = env.dialect.codes;
  if (original === undefined) {
    const isAdvice = ctx.request.mti[2] === '2';
    if (isAdvice) ctx.decide(codes.REVERSAL_ACCEPTED, 'reversal advice for an unknown original acknowledged');
    else ctx.decide(codes.ORIGINAL_NOT_FOUND, 'original not found');
    return;
  }
  ctx.original = original;
  ctx.route = { issuer: original.issuer, bin: '' };
}

export function route(ctx: TxnContext, env: SwitchEnv): void | Promise<void> {
  const codes = env.dialect.codes;
  if (ctx.kind === 'network') {
    ctx.route = { issuer: 'switch', bin: '' };
    return;
  }
  if (ctx.kind === 'reversal') {
    const original = findOriginal(ctx, env, true);
    if (original instanceof Promise) return original.then((o) => routeReversal(ctx, env, o));
    routeReversal(ctx, env, original);
    return;
  }
  const found = env.routes.lookup(ctx.pan as string);
  if (found === null) {
    ctx.decide(codes.NO_SUCH_ISSUER, 'no BIN route');
    return;
  }
  ctx.route = found;
  if (!env.issuers.has(found.issuer)) {
    ctx.decide(codes.ISSUER_UNAVAILABLE, `issuer ${found.issuer} is not configured`);
    return;
  }
  // Its approval may be reversed before it is remembered: in flight until the commit phase ends.
  const req = ctx.request;
  ctx.inFlightKey = originalKey(stanOf(req), fieldText(req, env.dialect.originalTimeDe));
  env.originals.inFlight.begin(ctx.inFlightKey);
}

