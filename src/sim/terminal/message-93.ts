// The terminal simulator's requests in ISO 8583:1993: 1100, 1200, 1420 (with DE 56) and 1804
// (DE 24 function code 831 echo, 801 sign-on), built from plain parameters and a clock. Pure.

import { localDateTime93, NETWORK_CODES_93, transmissionTime } from '../../codec/index.js';
import type { OriginalTransaction, TerminalAction, TerminalParams } from './message.js';

/** Request MTI of each action in 1993: a reversal goes as an advice (1420), network management as 1804. */
export const ACTION_MTI_93: Readonly<Record<TerminalAction, string>> = Object.freeze({
  auth: '1100', purchase: '1200', reverse: '1420', echo: '1804', signon: '1804',
});

/** DE 24 function codes (n 3): original authorization and financial request, full reversal, echo, sign-on. */
export const FUNCTION_CODES_93 = Object.freeze({ auth: '100', purchase: '200', reverse: '400', echo: NETWORK_CODES_93.echo, signon: NETWORK_CODES_93.signOn });

/** DE 25 message reason code (n 4) of a reversal the terminal's user asks for: 4000, customer cancellation. */
const REASON_CUSTOMER_CANCELLATION = '4000';

/**
 * DE 22 point of service data code (an 12), position by position: key entry capable (6), no
 * electronic cardholder authentication (0), no card capture (0), attended on premises (1),
 * cardholder present (0), card present (1), key-entered (6), then 0s: no authentication, no
 * output, no PIN capture.
 */
export const POS_DATA_CODE_93 = '600101600000';

/**
 * DE 56 (n ..35): the original's MTI, STAN, local date and time (DE 12, 12 digits) and acquirer
 * ID as an LL-prefixed field of its own; null when the original's DE 12 is not 12 digits.
 */
export function originalDataElements93(original: OriginalTransaction): string | null {
  const local = original.local ?? '';
  if (!/^\d{12}$/.test(local)) return null;
  return original.mti + original.stan + local + String(original.acquirer.length).padStart(2, '0') + original.acquirer;
}

/** Fields of `action` in DE order; values the spec cannot carry are dropped by the caller. */
export function fieldsOf93(action: TerminalAction, p: TerminalParams, now: Date): Array<[number, string]> {
  const de7 = transmissionTime(now);
  const terminal: Array<[number, string]> = [[41, p.terminalId.padEnd(8, ' ')]];
  if (action === 'echo' || action === 'signon') {
    return [[7, de7], [11, p.stan], [12, localDateTime93(now)], [24, FUNCTION_CODES_93[action]], ...terminal];
  }
  const merchant: Array<[number, string]> = [[42, p.merchantId.padEnd(15, ' ')], [49, p.currency]];
  if (action !== 'reverse') {
    return [[2, p.pan], [3, '000000'], [4, p.amount], [7, de7], [11, p.stan], [12, localDateTime93(now)], [14, p.expiry], [22, POS_DATA_CODE_93],
      [24, FUNCTION_CODES_93[action]], [32, p.acquirerId], ...terminal, ...merchant];
  }
  // As in 1987, the advice repeats the original's DE 4, 7, 11 and 12, so the switch can match it
  // with or without DE 56; it carries no PAN, which is not kept between runs.
  const o = p.original;
  const de56 = o === null ? null : originalDataElements93(o);
  const ids: Array<[number, string]> = o === null
    ? [[4, p.amount], [7, de7], [11, p.stan], [12, localDateTime93(now)]]
    : [[4, o.amount], [7, o.transmission], [11, o.stan], [12, o.local ?? localDateTime93(now)]];
  return [[3, '000000'], ...ids, [22, POS_DATA_CODE_93], [24, FUNCTION_CODES_93.reverse], [25, REASON_CUSTOMER_CANCELLATION],
    [32, o?.acquirer ?? p.acquirerId], ...terminal, ...merchant, ...(de56 === null ? [] : [[56, de56] as [number, string]])];
}
