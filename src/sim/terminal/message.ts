// The requests of the terminal simulator (`isotrace terminal`): 0100, 0200, 0400 (with DE 90) and
// 0800, built from plain parameters and a clock reading; 1993 specs get message-93.ts's
// 1100, 1200, 1420 and 1804. Pure: no I/O. Throws only ConfigError.

import { IsoMessage, NETWORK_CODES, currencyExponent as exponentOf, localDate87, localTime87, specVersion, transmissionTime, type Codec } from '../../codec/index.js';
import { ConfigError } from '../../common/index.js';
import { ACTION_MTI_93, fieldsOf93 } from './message-93.js';

export const TERMINAL_ACTIONS = ['auth', 'purchase', 'reverse', 'echo', 'signon'] as const;
export type TerminalAction = (typeof TERMINAL_ACTIONS)[number];

/** Request MTI of each action (primer §5). */
export const ACTION_MTI: Readonly<Record<TerminalAction, string>> = Object.freeze({
  auth: '0100', purchase: '0200', reverse: '0400', echo: '0800', signon: '0800',
});

/** Digits after the decimal point of `currency` (ISO 4217 numeric, 3 digits); 2 unless listed. */
export function currencyExponent(currency: string): number {
  if (!/^\d{3}$/.test(currency)) throw new ConfigError('currency', `expected an ISO 4217 numeric code of 3 digits, e.g. 840 (got "${currency}")`);
  return exponentOf(currency);
}

/**
 * DE 4 (n 12) for a decimal amount: '12.50' in 840 -> '000000001250', '1000' in 392 -> '000000001000'.
 * @throws ConfigError when the text is not a decimal, has more decimals than the currency, or exceeds 12 digits.
 */
export function amountMinorUnits(text: string, currency: string): string {
  const exponent = currencyExponent(currency);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (m === null) throw new ConfigError('amount', `expected a decimal amount such as 12.50 (got "${text}")`);
  const fraction = m[2] ?? '';
  if (fraction.length > exponent) throw new ConfigError('amount', `currency ${currency} has ${exponent} decimal(s) (got "${text}")`);
  const minor = (m[1] + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (minor.length > 12) throw new ConfigError('amount', `more than 12 digits in minor units (got "${text}")`);
  return minor.padStart(12, '0');
}

/** What a reversal needs of its original; kept by the CLI between runs. Never the PAN. */
export interface OriginalTransaction {
  mti: string;
  stan: string;
  /** DE 7 of the original, MMDDhhmmss UTC. */
  transmission: string;
  /** DE 4 of the original, 12 digits. */
  amount: string;
  /** DE 49 of the original. */
  currency: string;
  acquirer: string;
  /** DE 37 of the original's answer, sent back in the reversal; null when not known. */
  rrn: string | null;
  /** DE 12 of the original (1993: YYMMDDhhmmss local, named by DE 56); absent in older state files. */
  local?: string;
}

/** DE 90 (n 42): original MTI, STAN, DE 7, acquirer zero-filled to 11, forwarder (11 zeros; primer §7). */
export function originalDataElements(original: OriginalTransaction): string {
  return original.mti + original.stan + original.transmission + original.acquirer.padStart(11, '0') + '0'.repeat(11);
}

export interface TerminalParams {
  pan: string;
  /** DE 14, YYMM. */
  expiry: string;
  /** DE 4, 12 digits (see amountMinorUnits). */
  amount: string;
  currency: string;
  terminalId: string;
  merchantId: string;
  acquirerId: string;
  /** DE 11, 6 digits. */
  stan: string;
  /**
   * For `reverse`: the transaction reversed, sent in DE 90 with its amount, currency and STAN; null
   * reverses `stan` with this run's amount and no DE 90, to be matched by DE 11 + DE 41 + DE 7.
   */
  original: OriginalTransaction | null;
}

/** Fields of `action` in DE order; values the spec cannot carry are dropped by the caller. */
function fieldsOf(action: TerminalAction, p: TerminalParams, now: Date): Array<[number, string]> {
  const de7 = transmissionTime(now);
  const terminal: Array<[number, string]> = [[41, p.terminalId.padEnd(8, ' ')]];
  if (action === 'echo' || action === 'signon') {
    return [[7, de7], [11, p.stan], ...terminal, [70, action === 'echo' ? NETWORK_CODES.echo : NETWORK_CODES.signOn]];
  }
  const local: Array<[number, string]> = [[12, localTime87(now)], [13, localDate87(now)]];
  if (action !== 'reverse') {
    return [[2, p.pan], [3, '000000'], [4, p.amount], [7, de7], [11, p.stan], ...local, [14, p.expiry], [22, '012'], [25, '00'], [32, p.acquirerId], ...terminal,
      [42, p.merchantId.padEnd(15, ' ')], [49, p.currency]];
  }
  // A reversal has its own DE 7 (its transmission time) and repeats the original's STAN, amount,
  // currency and RRN; DE 90 names the original (MTI, STAN, DE 7, acquirer), which the switch
  // matches. DE 2 is the card the caller names: the PAN is never kept between runs.
  const o = p.original;
  if (o === null) {
    return [[2, p.pan], [3, '000000'], [4, p.amount], [7, de7], [11, p.stan], ...local, [22, '012'], [25, '00'], [32, p.acquirerId], ...terminal,
      [42, p.merchantId.padEnd(15, ' ')], [49, p.currency]];
  }
  const rrn: Array<[number, string]> = o.rrn === null ? [] : [[37, o.rrn]];
  return [[2, p.pan], [3, '000000'], [4, o.amount], [7, de7], [11, o.stan], ...local, [22, '012'], [25, '00'], [32, o.acquirer], ...rrn, ...terminal,
    [42, p.merchantId.padEnd(15, ' ')], [49, o.currency], [90, originalDataElements(o)]];
}

/**
 * The request of `action` at time `now` (DE 7 in UTC, DE 12/13 in local time), in the spec's
 * edition (1987 or 1993, from its `version`). Fields the spec
 * lacks are left out; values are checked when the codec packs the message.
 */
export function buildTerminalRequest(action: TerminalAction, params: TerminalParams, now: Date, codec: Codec): IsoMessage {
  const is1993 = specVersion(codec.spec) === 1993;
  const msg = new IsoMessage((is1993 ? ACTION_MTI_93 : ACTION_MTI)[action]);
  for (const [de, value] of (is1993 ? fieldsOf93 : fieldsOf)(action, params, now)) if (codec.fields[de] !== undefined) msg.set(de, value);
  return msg;
}

/** The original of a later `reverse`, taken from the request sent. */
export function originalOf(request: IsoMessage): OriginalTransaction {
  const text = (de: number): string => String(request.get(de) ?? '');
  return {
    mti: request.mti, stan: text(11), transmission: text(7), amount: text(4), currency: text(49), acquirer: text(32), rrn: null, local: text(12),
  };
}
