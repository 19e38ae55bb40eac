// The txn.done log line of a finished transaction, built in one place from its summary: its fields
// as JSON text, and its message. The journal thread writes that text as is (pino's own format);
// a Logger receives it as an object and message (txnLogLine).

import { systemErrorLike } from './action-codes.js';
import { jsonString } from './audit-record.js';
import { S, type TxnSummary } from './txn-summary.js';

/** An audit write that failed in strict mode: it overrides the outcome the line reports. */
export interface TxnFailure {
  code: string;
}

function errJson(code: string, field: unknown, offset: unknown): string {
  return `,"err":{"code":${jsonString(code)},"field":${typeof field === 'string' ? jsonString(field) : String(field)},"offset":${String(offset)}}`;
}

/**
 * HOT: the fields of the txn.done line of `s` as JSON text, in order, without braces and without
 * the message: `"evt":"txn.done","trace_id":…,"duration_us":…[,"err":{…}]`. `failure` overrides the
 * outcome (rc as the switch answered it, 96 or 909; err its code).
 */
export function txnDoneJson(s: TxnSummary, failure: TxnFailure | null): string {
  const err = failure !== null ? errJson(failure.code, null, null) : s[S.ERROR_CODE] === null ? '' : errJson(s[S.ERROR_CODE] as string, s[S.ERROR_FIELD], s[S.ERROR_OFFSET]);
  // The switch answered the failure with its edition's system-malfunction code (96 or 909).
  const rc = failure === null ? s[S.RESPONSE_CODE] as string : systemErrorLike(s[S.RESPONSE_CODE] as string);
  return `"evt":"txn.done","trace_id":${jsonString(s[S.TRACE_ID] as string)},"span_id":${jsonString(s[S.SPAN_ID] as string)},"conn":${jsonString(s[S.CONN_ID] as string)}`
    + `,"mti":${jsonString(s[S.MTI] as string)},"stan":${jsonString(s[S.STAN] as string)},"rc":${jsonString(rc)}`
    + `,"duplicate":${s[S.DUPLICATE] === true},"issuer":${jsonString(s[S.ISSUER] as string)},"duration_us":${(s[S.COMPLETED_US] as number) - (s[S.RECEIVED_US] as number)}${err}`;
}

/** The message of the txn.done line of `s`. */
export function txnDoneMessage(s: TxnSummary, failure: TxnFailure | null): string {
  return failure === null ? (s[S.REASON] as string) : 'audit record not written';
}

/**
 * The txn.done line of `s` for a Logger: txnDoneJson's fields as an object, and the message. For
 * loggers other than the journal thread's own destination, which takes the text as is.
 */
export function txnLogLine(s: TxnSummary, failure: TxnFailure | null = null): { obj: Record<string, unknown>; msg: string } {
  return { obj: JSON.parse(`{${txnDoneJson(s, failure)}}`) as Record<string, unknown>, msg: txnDoneMessage(s, failure) };
}
