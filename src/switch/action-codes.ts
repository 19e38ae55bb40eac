// ISO 8583:1993 DE 39 action codes (n 3): the ones the switch sets, their meanings, and the mapping
// from an issuer's outcome (a 1987 response code, as IssuerDecision carries it) to an action code
// (the codec's, re-exported).

import { RC, type ResponseCodes } from './result-codes.js';

/** What the switch answers a 1993 terminal with, outcome by outcome (docs/iso93.md). */
export const ACTION_CODES = {
  APPROVED: '000',
  REVERSAL_ACCEPTED: '400',
  NETWORK_ACCEPTED: '800',
  INVALID_TRANSACTION: '902',
  INVALID_AMOUNT: '110',
  INVALID_CARD: '111',
  NO_SUCH_ISSUER: '908',
  ORIGINAL_NOT_FOUND: '914',
  FORMAT_ERROR: '904',
  ISSUER_TIMEOUT: '911',
  ISSUER_UNAVAILABLE: '912',
  SYSTEM_ERROR: '909',
} as const satisfies ResponseCodes;

/** Meanings of the action codes of ISO 8583:1993 (DE 39), for dumps and the terminal simulator. */
export const ACTION_CODE_MEANINGS: Readonly<Record<string, string>> = {
  '000': 'approved',
  '001': 'honour with identification',
  '002': 'approved for partial amount',
  '003': 'approved (VIP)',
  '100': 'do not honour',
  '101': 'expired card',
  '102': 'suspected fraud',
  '104': 'restricted card',
  '106': 'allowable PIN tries exceeded',
  '107': 'refer to card issuer',
  '109': 'invalid merchant',
  '110': 'invalid amount',
  '111': 'invalid card number',
  '114': 'no account of type requested',
  '115': 'requested function not supported',
  '116': 'not sufficient funds',
  '117': 'incorrect PIN',
  '118': 'no card record',
  '119': 'transaction not permitted to cardholder',
  '120': 'transaction not permitted to terminal',
  '121': 'exceeds withdrawal amount limit',
  '123': 'exceeds withdrawal frequency limit',
  '200': 'do not honour, pick up',
  '201': 'expired card, pick up',
  '208': 'lost card, pick up',
  '209': 'stolen card, pick up',
  '400': 'accepted (reversal)',
  '800': 'accepted (network management)',
  '900': 'advice acknowledged, no financial liability accepted',
  '901': 'advice acknowledged, financial liability accepted',
  '902': 'invalid transaction',
  '903': 're-enter transaction',
  '904': 'format error',
  '905': 'acquirer not supported by switch',
  '906': 'cutover in process',
  '907': 'card issuer or switch inoperative',
  '908': 'transaction destination cannot be found for routing',
  '909': 'system malfunction',
  '910': 'card issuer signed off',
  '911': 'card issuer timed out',
  '912': 'card issuer unavailable',
  '913': 'duplicate transmission',
  '914': 'not able to trace back to original transaction',
  '916': 'MAC incorrect',
  '923': 'request in progress',
};

// Issuer outcome (1987 DE 39) -> action code: the codec's table, shared with the remote issuer
// link's mapping of answers (src/issuer).
export { ISSUER_TO_ACTION_CODE, actionCodeOf } from '../codec/index.js';

/** The system-malfunction code of the edition `code` is from: 909 beside a 3-digit action code, else 96. */
export function systemErrorLike(code: string): string {
  return code.length === 3 ? ACTION_CODES.SYSTEM_ERROR : RC.SYSTEM_ERROR;
}
