// Stage dedupe: a request repeating (MTI, DE 32, DE 41, DE 11, DE 7) inside the window is a
// duplicate: it gets the first answer again, byte for byte, and never reaches the issuer (unless
// the first was answered 96 for a system failure, which is not kept: then it is handled anew).

import type { TxnContext } from '../context.js';
import { DuplicateCache, type DuplicateHit } from '../duplicates.js';
import type { SwitchEnv } from '../env.js';
import { acquirerOf, stanOf, terminalOf, transmissionTimeOf } from '../fields.js';
import { answerForRepeat } from '../kept-answer.js';

export function dedupe(ctx: TxnContext, env: SwitchEnv): void | Promise<void> {
  if (ctx.kind === 'network' || ctx.kind === 'unsupported') return;
  const req = ctx.request;
  // The MTI without its repeat digit: 0101 repeats 0100, while an 0420 advice is not a repeat of an 0400.
  const key = DuplicateCache.keyOf(req.mti.slice(0, 3), acquirerOf(req), terminalOf(req), stanOf(req), transmissionTimeOf(req));
  const hit = env.duplicates.claim(key);
  // HOT: the in-memory cache answers at once; only a shared store's claim is awaited.
  if (hit instanceof Promise) return hit.then((h) => claimed(ctx, env, key, h));
  return claimed(ctx, env, key, hit);
}

/** What the claim of `key` found: nothing (this request is the first), or the first's answer to come. */
function claimed(ctx: TxnContext, env: SwitchEnv, key: string, hit: DuplicateHit | null): void | Promise<void> {
  if (hit === null) {
    ctx.dedupeKey = key;
    return;
  }
  ctx.isDuplicate = true;
  return hit.answer.then((first) => {
    // The first was answered for a system failure, not kept: this one is handled as if first.
    if (first === null) {
      ctx.isDuplicate = false;
      return dedupe(ctx, env);
    }
    // The bytes are a private copy; the message is for the audit record. A shared store keeps the
    // answer without DE 2 (kept-answer.ts): the repeat's own PAN goes back in.
    const answer = answerForRepeat(env.codec, first.bytes, ctx.request);
    ctx.responseBytes = answer.bytes;
    ctx.response = answer.message;
    ctx.decide(first.responseCode, 'duplicate: first answer sent again', first.approvalCode);
  });
}
