// The txn.done log line of a finished transaction, built in one place from its outcome: its fields
// as JSON text, and its message. The journal thread writes that text as is (pino's own format);
// a Logger receives it as an object and message (txnLogLine).

import { jsonString } from '../common/index.js';
import { systemErrorLike } from './action-codes.js';
import type { TxnOutcome } from './txn-outcome.js';

/** An audit write that failed in strict mode: it overrides the outcome the line reports. */
export interface TxnFailure {
  code: string;
}

function errJson(code: string, field: number | string | null, offset: number | null): string {
  return `,"err":{"code":${jsonString(code)},"field":${typeof field === 'string' ? jsonString(field) : String(field)},"offset":${String(offset)}}`;
}

/**
 * HOT: the fields of the txn.done line of `o` as JSON text, in order, without braces and without
 * the message: `"evt":"txn.done","trace_id":…,"duration_us":…[,"err":{…}]`. `failure` overrides the
 * outcome (rc as the switch answered it, 96 or 909; err its code).
 */
export function txnDoneJson(o: TxnOutcome, failure: TxnFailure | null): string {
  const code = o.errorCode;
  const err = failure !== null ? errJson(failure.code, null, null) : code === null ? '' : errJson(code, o.errorField, o.errorOffset);
  // The switch answered the failure with its edition's system-malfunction code (96 or 909).
  const rc = failure === null ? o.responseCode : systemErrorLike(o.responseCode);
  return `"evt":"txn.done","trace_id":${jsonString(o.traceId)},"span_id":${jsonString(o.spanId)},"conn":${jsonString(o.connId)}`
    + `,"mti":${jsonString(o.mti)},"stan":${jsonString(o.stan)},"rc":${jsonString(rc)}`
    + `,"duplicate":${o.isDuplicate},"issuer":${jsonString(o.issuer)},"duration_us":${o.completedUs - o.receivedUs}${err}`;
}

/** The message of the txn.done line of `o`. */
export function txnDoneMessage(o: TxnOutcome, failure: TxnFailure | null): string {
  return failure === null ? o.reason : 'audit record not written';
}

/**
 * The txn.done line of `o` for a Logger: txnDoneJson's fields as an object, and the message. For
 * loggers other than the journal thread's own destination, which takes the text as is.
 */
export function txnLogLine(o: TxnOutcome, failure: TxnFailure | null = null): { obj: Record<string, unknown>; msg: string } {
  return { obj: JSON.parse(`{${txnDoneJson(o, failure)}}`) as Record<string, unknown>, msg: txnDoneMessage(o, failure) };
}
