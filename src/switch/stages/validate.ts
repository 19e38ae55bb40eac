// Stage validate: classifies the request by MTI and checks what the switch needs before routing:
// mandatory fields (RC 30), the PAN's Luhn digit (RC 14), the amount (RC 13).

import type { TxnContext, TxnKind } from '../context.js';
import { amountOf, isLuhnValid, panOf } from '../fields.js';
import { RC } from '../result-codes.js';

/** Fields an authorization or financial request must carry (DE 2 or 35 is checked apart). */
const MANDATORY_AUTH = [3, 4, 11, 41] as const;
const MANDATORY_REVERSAL = [11, 41] as const;
const MANDATORY_NETWORK = [70] as const;
/** Processing codes (first two digits) for which a zero amount is fine: inquiries. */
const INQUIRIES = new Set(['30', '31']);

/** The switch's handling of an MTI: 0100/0101, 0200/0201, 0400/0401, 0420/0421, 0800/0801. */
export function kindOf(mti: string): TxnKind {
  const cls = mti[1];
  const fn = mti[2];
  const repeatOk = mti[3] === '0' || mti[3] === '1';
  if (mti[0] !== '0' || !repeatOk) return 'unsupported';
  if (cls === '1' && fn === '0') return 'authorization';
  if (cls === '2' && fn === '0') return 'financial';
  if (cls === '4' && (fn === '0' || fn === '2')) return 'reversal';
  if (cls === '8' && fn === '0') return 'network';
  return 'unsupported';
}

function missing(ctx: TxnContext, des: readonly number[]): number | null {
  for (const de of des) if (!ctx.request.has(de)) return de;
  return null;
}

export function validate(ctx: TxnContext): void {
  const req = ctx.request;
  ctx.kind = kindOf(req.mti);
  if (ctx.decodeError !== null) {
    const e = ctx.decodeError;
    ctx.error = { code: e.code, field: e.field, offset: e.offset };
    ctx.decide(RC.FORMAT_ERROR, `format error: ${e.code}`);
    return;
  }
  if (ctx.kind === 'unsupported') {
    ctx.decide(RC.INVALID_TRANSACTION, `MTI ${req.mti} is not handled`);
    return;
  }
  const mandatory = ctx.kind === 'reversal' ? MANDATORY_REVERSAL : ctx.kind === 'network' ? MANDATORY_NETWORK : MANDATORY_AUTH;
  const absent = missing(ctx, mandatory);
  if (absent !== null) {
    ctx.decide(RC.FORMAT_ERROR, `missing DE ${absent}`);
    return;
  }
  if (ctx.kind !== 'authorization' && ctx.kind !== 'financial') return;
  const pan = panOf(req);
  if (pan === null) {
    ctx.decide(RC.FORMAT_ERROR, 'missing DE 2 and DE 35');
    return;
  }
  ctx.pan = pan;
  if (!isLuhnValid(pan)) {
    ctx.decide(RC.INVALID_CARD, 'PAN fails the Luhn check');
    return;
  }
  const amount = amountOf(req);
  const processing = String(req.get(3) ?? '');
  if (Number.isNaN(amount) || (amount === 0 && !INQUIRIES.has(processing.slice(0, 2)))) {
    ctx.decide(RC.INVALID_AMOUNT, 'zero amount');
  }
}
