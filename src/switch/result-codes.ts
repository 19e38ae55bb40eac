// DE 39 response codes the switch sets, their meanings, and the one mapping from errors to codes
// (decode -> 30, issuer timeout or outage -> 91, anything unexpected -> 96).

import { DecodeError } from '../codec/index.js';
import { SwitchError } from '../shared/index.js';

export const RC = {
  APPROVED: '00',
  INVALID_TRANSACTION: '12',
  INVALID_AMOUNT: '13',
  INVALID_CARD: '14',
  NO_SUCH_ISSUER: '15',
  ORIGINAL_NOT_FOUND: '25',
  FORMAT_ERROR: '30',
  ISSUER_UNAVAILABLE: '91',
  SYSTEM_ERROR: '96',
} as const;

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

/** The DE 39 for an error that ended a transaction. */
export function responseCodeFor(err: unknown): string {
  if (err instanceof DecodeError) return RC.FORMAT_ERROR;
  if (err instanceof SwitchError && (err.code === 'ISSUER_TIMEOUT' || err.code === 'ISSUER_UNAVAILABLE')) return RC.ISSUER_UNAVAILABLE;
  return RC.SYSTEM_ERROR;
}
