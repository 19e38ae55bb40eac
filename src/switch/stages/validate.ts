// Stage validate: classifies the request by MTI and checks what the switch needs before routing:
// mandatory fields (RC 30), the PAN's Luhn digit (RC 14), the amount (RC 13); 1993: 904, 111, 110.

import type { TxnContext, TxnKind } from '../context.js';
import { DIALECT_1987, type Dialect } from '../dialect.js';
import type { SwitchEnv } from '../env.js';
import { amountOf, isLuhnValid, panOf } from '../fields.js';

/** Fields an authorization or financial request must carry (DE 2 or 35 is checked apart). */
const MANDATORY_AUTH = [3, 4, 11, 41] as const;
const MANDATORY_REVERSAL = [11, 41] as const;
/** Processing codes (first two digits) for which a zero amount is fine: inquiries. */
const INQUIRIES = new Set(['30', '31']);

/**
 * The switch's handling of an MTI: 0100/0101, 0200/0201, 0400/0401, 0420/0421, 0800/0801 in 1987;
 * the same with a leading 1 in 1993, where network management may also come as 1804/1805.
 */
export function kindOf(mti: string, dialect: Dialect = DIALECT_1987): TxnKind {
  const cls = mti[1];
  const fn = mti[2];
  if (mti.length !== 4 || mti[0] !== dialect.mtiVersion) return 'unsupported';
  if (cls === '8' && fn === '0') return dialect.networkOrigins.includes(mti[3]) ? 'network' : 'unsupported';
  if (mti[3] !== '0' && mti[3] !== '1') return 'unsupported';
  if (cls === '1' && fn === '0') return 'authorization';
  if (cls === '2' && fn === '0') return 'financial';
  if (cls === '4' && (fn === '0' || fn === '2')) return 'reversal';
  return 'unsupported';
}

function missing(ctx: TxnContext, des: readonly number[]): number | null {
  for (const de of des) if (!ctx.request.has(de)) return de;
  return null;
}

export function validate(ctx: TxnContext, env: SwitchEnv): void {
  const req = ctx.request;
  const { codes, networkCodeDe } = env.dialect;
  ctx.kind = kindOf(req.mti, env.dialect);
  if (ctx.decodeError !== null) {
    const e = ctx.decodeError;
    ctx.error = { code: e.code, field: e.field, offset: e.offset };
    ctx.decide(codes.FORMAT_ERROR, `format error: ${e.code}`);
    return;
  }
  if (ctx.kind === 'unsupported') {
    ctx.decide(codes.INVALID_TRANSACTION, `MTI ${req.mti} is not handled`);
    return;
  }
  const absent = ctx.kind === 'network' ? (req.has(networkCodeDe) ? null : networkCodeDe) : missing(ctx, ctx.kind === 'reversal' ? MANDATORY_REVERSAL : MANDATORY_AUTH);
  if (absent !== null) {
    ctx.decide(codes.FORMAT_ERROR, `missing DE ${absent}`);
    return;
  }
  if (ctx.kind !== 'authorization' && ctx.kind !== 'financial') return;
  const pan = panOf(req);
  if (pan === null) {
    ctx.decide(codes.FORMAT_ERROR, 'missing DE 2 and DE 35');
    return;
  }
  ctx.pan = pan;
  if (!isLuhnValid(pan)) {
    ctx.decide(codes.INVALID_CARD, 'PAN fails the Luhn check');
    return;
  }
  const amount = amountOf(req);
  const processing = String(req.get(3) ?? '');
  if (Number.isNaN(amount) || (amount === 0 && !INQUIRIES.has(processing.slice(0, 2)))) {
    ctx.decide(codes.INVALID_AMOUNT, 'zero amount');
  }
}
