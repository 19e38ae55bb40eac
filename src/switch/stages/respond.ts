// Stage respond: always runs. Builds the answer from the request (echoing what primer §5 says a
// response echoes, adding DE 37 when absent, DE 38 on approval and DE 39), packs it and hands it
// back (the commit phase hands it to waiting repeats once the audit record is written, and on
// abort runs it again for the 96).

import { IsoMessage, RESPONSE_ECHO_FIELDS, responseMti } from '../../codec/index.js';
import type { TxnContext } from '../context.js';
import type { SwitchEnv } from '../env.js';
import { SWITCH_RRNS } from '../rrn.js';

/**
 * Echoed by the answer to a request that failed to decode, when they could be read (the codec
 * reads on past a bad field whose length is known): what a terminal matches an answer by, never
 * the card.
 */
const FORMAT_ERROR_ECHO = [3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49] as const;

/**
 * The answer to `ctx` under its outcome; never the request's track data, PIN block, ICC data or
 * expiry. A remote issuer's own answer data (DE 44, 54, 55) goes back when its spec allows.
 */
export function buildResponse(ctx: TxnContext, env: SwitchEnv): IsoMessage {
  const req = ctx.request;
  const res = new IsoMessage(responseMti(req.mti));
  const fields = env.codec.fields;
  for (const de of ctx.decodeError === null ? RESPONSE_ECHO_FIELDS : FORMAT_ERROR_ECHO) {
    const v = req.get(de);
    if (v !== undefined) res.set(de, v);
  }
  const { originalDe, networkCodeDe } = env.dialect;
  if (ctx.kind === 'reversal' && req.has(originalDe)) res.set(originalDe, req.get(originalDe)!);
  if (ctx.kind === 'network' && req.has(networkCodeDe)) res.set(networkCodeDe, req.get(networkCodeDe)!);
  const isFinancial = ctx.kind === 'authorization' || ctx.kind === 'financial' || ctx.kind === 'reversal';
  if (isFinancial && !res.has(37) && fields[37] !== undefined) {
    if (ctx.rrn === '') ctx.rrn = SWITCH_RRNS.next(ctx.receivedAtUs);
    res.set(37, ctx.rrn);
  }
  if (ctx.approvalCode !== null && fields[38] !== undefined) res.set(38, ctx.approvalCode);
  const added = ctx.issuerFields;
  if (added !== null && added !== undefined) for (const [de, v] of added) if (fields[de] !== undefined) res.set(de, v);
  res.set(39, ctx.responseCode);
  return res;
}

/** The smallest answer that can always be packed: MTI, STAN, terminal, DE 39. */
function minimalResponse(ctx: TxnContext): IsoMessage {
  const req = ctx.request;
  const res = new IsoMessage(responseMti(req.mti)).set(39, ctx.responseCode);
  for (const de of [11, 41]) if (typeof req.get(de) === 'string') res.set(de, req.get(de)!);
  return res;
}

export function respond(ctx: TxnContext, env: SwitchEnv): void {
  if (ctx.responseBytes !== null) return; // a duplicate: the first answer goes out again as is
  if (ctx.responseCode === '') ctx.decide(env.dialect.codes.SYSTEM_ERROR, 'no stage decided the outcome');
  let res = buildResponse(ctx, env);
  let bytes: Buffer;
  try {
    bytes = env.codec.pack(res);
  } catch (err) {
    // An echoed value the spec cannot carry back (say, an odd field a custom spec reshapes):
    // answer with the minimum rather than not at all.
    env.logger.warn({ evt: 'txn.response_pack_failed', err: { code: (err as { code?: string }).code } }, 'answer reduced to MTI, STAN, terminal and DE 39');
    res = minimalResponse(ctx);
    bytes = env.codec.pack(res);
  }
  ctx.response = res;
  ctx.responseBytes = bytes;
}
