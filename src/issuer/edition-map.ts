// What changes when a message crosses between the editions (a 1993 terminal, a 1987 issuer link,
// or the other way): the MTI's version digit, the local date and time, DE 39, where the original of
// a reversal is named, and which fields mean the same in both. Pure.

import { actionCodeOf, responseCodeOf, type IsoMessage, type SpecVersion } from '../codec/index.js';

/**
 * DEs whose meaning and format class are the same in ISO 8583:1987 and 1993 (lengths may differ:
 * each value is still checked against the target's spec). Every other field stays on its side of an
 * edition change: 1993's DE 22 (POS data code), 24 (function code), 25 (reason code), 26, 39 and 56
 * have no 1987 twin in the same DE, and 1987's DE 22, 25, 70 and 90 none in 1993.
 */
export const COMMON_FIELDS: readonly number[] = Object.freeze([
  2, 3, 4, 5, 6, 7, 11, 14, 16, 17, 18, 19, 20, 21, 23, 32, 33, 34, 35, 36, 37, 38, 41, 42, 43, 44, 45,
  47, 48, 49, 50, 51, 52, 54, 55, 60, 61, 62, 63, 100, 102, 103,
]);

/** Where a reversal names its original: DE 90 (1987) or DE 56 (1993), as the switch's dialects say. */
export function originalDataDe(version: SpecVersion): number {
  return version === 1993 ? 56 : 90;
}

/** `mti` in `version`'s edition: its version digit '0' (1987) or '1' (1993). */
export function mtiIn(mti: string, version: SpecVersion): string {
  const digit = version === 1993 ? '1' : '0';
  return mti[0] === digit ? mti : digit + mti.slice(1);
}

/**
 * Carries the local transaction date and time from `from` (edition `fromVersion`) into `to`
 * (`toVersion`): 1993's DE 12 (YYMMDDhhmmss) is 1987's DE 12 (hhmmss) and DE 13 (MMDD); the other
 * way the year is `now`'s (UTC). Nothing when `from` lacks them.
 */
export function carryLocalTime(from: IsoMessage, to: IsoMessage, fromVersion: SpecVersion, toVersion: SpecVersion, now: Date): void {
  const de12 = from.get(12);
  if (typeof de12 !== 'string') return;
  if (fromVersion === 1993 && toVersion === 1987) {
    if (de12.length !== 12) return;
    to.set(12, de12.slice(6)).set(13, de12.slice(2, 6));
    return;
  }
  const de13 = from.get(13);
  if (fromVersion === 1987 && toVersion === 1993 && typeof de13 === 'string' && de12.length === 6 && de13.length === 4) {
    to.set(12, String(now.getUTCFullYear() % 100).padStart(2, '0') + de13 + de12);
  }
}

/**
 * An issuer's DE 39 in the terminal's edition. Same edition: as is. To 1993: the 1987 code's action
 * code (approval of a reversal 400, of network management 800; `mtiClass` is the MTI's second
 * digit); to 1987: the action code's 1987 code.
 */
export function answerCodeIn(code: string, issuerVersion: SpecVersion, terminalVersion: SpecVersion, mtiClass: string): string {
  if (issuerVersion === terminalVersion) return code;
  if (terminalVersion === 1987) return responseCodeOf(code);
  const action = actionCodeOf(code);
  if (action !== '000') return action;
  return mtiClass === '4' ? '400' : mtiClass === '8' ? '800' : action;
}
