// DE 39 response codes the switch sets (ISO 8583:1987; 1993's are in action-codes.ts), their
// meanings, and the one mapping from errors to codes (decode -> 30, issuer timeout or outage -> 91,
// anything unexpected -> 96).

import { DecodeError } from '../codec/index.js';
import { SwitchError } from '../common/index.js';

/** The DE 39 values the switch sets itself, in one edition's vocabulary (RC, ACTION_CODES). */
export interface ResponseCodes {
  readonly APPROVED: string;
  /** A reversal (or reversal advice) done or acknowledged. */
  readonly REVERSAL_ACCEPTED: string;
  /** A network-management request (sign-on, sign-off, echo) accepted. */
  readonly NETWORK_ACCEPTED: string;
  readonly INVALID_TRANSACTION: string;
  readonly INVALID_AMOUNT: string;
  readonly INVALID_CARD: string;
  readonly NO_SUCH_ISSUER: string;
  readonly ORIGINAL_NOT_FOUND: string;
  readonly FORMAT_ERROR: string;
  readonly ISSUER_TIMEOUT: string;
  readonly ISSUER_UNAVAILABLE: string;
  readonly SYSTEM_ERROR: string;
}

/** ISO 8583:1987 response codes; issuer backends answer in these too (IssuerDecision.responseCode). */
export const RC = {
  APPROVED: '00',
  REVERSAL_ACCEPTED: '00',
  NETWORK_ACCEPTED: '00',
  INVALID_TRANSACTION: '12',
  INVALID_AMOUNT: '13',
  INVALID_CARD: '14',
  NO_SUCH_ISSUER: '15',
  ORIGINAL_NOT_FOUND: '25',
  FORMAT_ERROR: '30',
  ISSUER_TIMEOUT: '91',
  ISSUER_UNAVAILABLE: '91',
  SYSTEM_ERROR: '96',
} as const satisfies ResponseCodes;

/** Meanings of the response codes in use, for dumps and the terminal simulator. */
export const RC_MEANINGS: Readonly<Record<string, string>> = {
  '00': 'approved',
  '05': 'do not honor',
  '12': 'invalid transaction',
  '13': 'invalid amount',
  '14': 'invalid card number',
  '15': 'no such issuer',
  '25': 'unable to locate original',
  '30': 'format error',
  '41': 'lost card, pick up',
  '43': 'stolen card, pick up',
  '51': 'insufficient funds',
  '54': 'expired card',
  '61': 'exceeds withdrawal amount limit',
  '62': 'restricted card',
  '91': 'issuer or switch inoperative',
  '94': 'duplicate transmission',
  '96': 'system malfunction',
};

/** The DE 39 for an error that ended a transaction, in the vocabulary of `codes` (default 1987). */
export function responseCodeFor(err: unknown, codes: ResponseCodes = RC): string {
  if (err instanceof DecodeError) return codes.FORMAT_ERROR;
  if (err instanceof SwitchError && err.code === 'ISSUER_TIMEOUT') return codes.ISSUER_TIMEOUT;
  if (err instanceof SwitchError && err.code === 'ISSUER_UNAVAILABLE') return codes.ISSUER_UNAVAILABLE;
  return codes.SYSTEM_ERROR;
}

/**
 * Whether `rc` (in the vocabulary of `codes`) is a system failure rather than a decision: a
 * format error, the issuer timed out or unavailable, a system error. A decline (51, 05, ...) is not.
 */
export function isSystemFailure(rc: string, codes: ResponseCodes): boolean {
  return rc === codes.SYSTEM_ERROR || rc === codes.ISSUER_TIMEOUT || rc === codes.ISSUER_UNAVAILABLE || rc === codes.FORMAT_ERROR;
}
