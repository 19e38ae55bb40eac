// The audit record of one finished transaction, built once at its end: who (source), what
// (request summary, masked PAN, field numbers), when (times, stage timings), where it went (route)
// and how it ended (outcome, response, error). Track data, PIN blocks, CVV and DE 55 never appear.
// The shapes are src/audit's AuditRecord and CompactAuditRecord (docs/audit-record.schema.json);
// the text is built directly, without an intermediate object, as it runs once per transaction.

import { v7 as uuidv7 } from 'uuid';
import { asAuditRecordText, type AuditRecordText } from '../audit/index.js';
import type { IdSource } from '../trace/index.js';
import { fieldMaskList } from './field-mask.js';
import { S, type TxnSummary } from './txn-summary.js';

let secondCached = -1;
let secondText = '';

/** ISO 8601 UTC with microseconds, e.g. 2026-11-23T20:30:00.123456Z; the date part made once a second. */
export function isoMicros(us: number): string {
  const second = Math.floor(us / 1_000_000);
  if (second !== secondCached) {
    secondText = new Date(second * 1000).toISOString().slice(0, 19);
    secondCached = second;
  }
  return `${secondText}.${String(us % 1_000_000).padStart(6, '0')}Z`;
}

let idMs = -1;
let idSeq = 0;

/**
 * A UUID v7 for a record received at `ms`: time-ordered, and ordered within one millisecond too,
 * by a sequence that starts at a random point each millisecond (the library's own ordering is
 * bypassed when randomness is supplied, as it is here from the pooled source).
 */
function recordId(ms: number, ids: IdSource): string {
  const random = ids.randomBytes(16);
  if (ms > idMs) {
    idMs = ms;
    idSeq = ((random[0] << 16) | (random[1] << 8) | random[2]) & 0x3fffffff; // leaves room to count up
  } else {
    idSeq = (idSeq + 1) & 0x7fffffff;
  }
  return uuidv7({ random, msecs: idMs, seq: idSeq });
}

// Characters JSON.stringify escapes: the quote, the backslash, controls and lone surrogates.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal, exactly as JSON.stringify writes it; most values need no escaping. */
export function jsonString(v: string): string {
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
}

/** A string or null (as JSON); `''` is written as null too when `isEmptyNull`. */
const str = jsonString;

function opt(v: unknown, isEmptyNull = false): string {
  return v === null || (isEmptyNull && v === '') ? 'null' : str(v as string);
}

function stageList(s: TxnSummary): string {
  let out = '';
  for (let i = S.STAGES; i < s.length; i += 4) {
    out += `${i === S.STAGES ? '' : ','}{"name":${str(s[i] as string)},"start_us":${s[i + 1] as number},"duration_us":${s[i + 2] as number},"status":"${s[i + 3] as string}"}`;
  }
  return `[${out}]`;
}

function errorJson(s: TxnSummary): string {
  if (s[S.ERROR_CODE] === null) return 'null';
  const field = s[S.ERROR_FIELD];
  const offset = s[S.ERROR_OFFSET];
  return `{"code":${str(s[S.ERROR_CODE] as string)},"field":${typeof field === 'string' ? str(field) : String(field)},"offset":${String(offset)}}`;
}

/** `,"key":"value"` for a value present, nothing for null or ''. */
function present(key: string, v: unknown): string {
  return v === null || v === '' ? '' : `,"${key}":${str(v as string)}`;
}

/**
 * The compact record of a request of which no field could be decoded (a garbage frame, or a bare
 * MTI, answered 30): when,
 * from where, how long the frame was, the error and its place, what it was answered; no stages,
 * no field lists and no empty keys, so a flood of garbage costs a fraction of the full record.
 */
function compactRecordJson(s: TxnSummary, id: string, receivedUs: number, completedUs: number): AuditRecordText {
  const request = `"mti":${str(s[S.MTI] as string)}${present('stan', s[S.STAN])}${present('rrn', s[S.RRN])}${present('terminal_id', s[S.TERMINAL])}`;
  const response = s[S.RESPONSE_MTI] === null ? 'null' : `{"mti":${str(s[S.RESPONSE_MTI] as string)}}`;
  return asAuditRecordText(`{"id":"${id}","trace_id":${str(s[S.TRACE_ID] as string)},`
    + `"received_at":"${isoMicros(receivedUs)}","completed_at":"${isoMicros(completedUs)}","duration_us":${completedUs - receivedUs},`
    + `"source":{"conn_id":${str(s[S.CONN_ID] as string)},"remote":${str(s[S.REMOTE] as string)}},"frame_bytes":${s[S.UNREADABLE_BYTES] as number},`
    + `"request":{${request}},"outcome":{"response_code":${str(s[S.RESPONSE_CODE] as string)}},"response":${response},"error":${errorJson(s)}}`);
}

/**
 * The AuditRecord (or CompactAuditRecord) of a finished transaction as JSON text, keys in the order they are written: exactly
 * the text JSON.stringify gives for the same record (the hash chain's canonical form depends on
 * it), built without an intermediate object. `ids` supplies the randomness of the time-ordered
 * record id (UUID v7) without a call into the secure generator per record; records must be made in
 * the order they are written.
 */
export function auditRecordJson(s: TxnSummary, ids: IdSource): AuditRecordText {
  const receivedUs = s[S.RECEIVED_US] as number;
  const completedUs = s[S.COMPLETED_US] as number;
  if (s[S.UNREADABLE_BYTES] !== null) return compactRecordJson(s, recordId(Math.floor(receivedUs / 1000), ids), receivedUs, completedUs);
  const route = s[S.HAS_ROUTE] === true ? `{"issuer":${str(s[S.ISSUER] as string)},"bin":${opt(s[S.BIN], true)}}` : 'null';
  const response = s[S.RESPONSE_MTI] === null ? 'null' : `{"mti":${str(s[S.RESPONSE_MTI] as string)},"fields":[${fieldMaskList(s, S.RESPONSE_FIELDS)}]}`;
  return asAuditRecordText(`{"id":"${recordId(Math.floor(receivedUs / 1000), ids)}","trace_id":${str(s[S.TRACE_ID] as string)},`
    + `"received_at":"${isoMicros(receivedUs)}","completed_at":"${isoMicros(completedUs)}","duration_us":${completedUs - receivedUs},`
    + `"source":{"conn_id":${str(s[S.CONN_ID] as string)},"remote":${str(s[S.REMOTE] as string)}},`
    + `"request":{"mti":${str(s[S.MTI] as string)},"stan":${opt(s[S.STAN], true)},"rrn":${opt(s[S.RRN], true)},"terminal_id":${opt(s[S.TERMINAL], true)},`
    + `"merchant_id":${opt(s[S.MERCHANT], true)},"acquirer_id":${opt(s[S.ACQUIRER], true)},"processing_code":${opt(s[S.PROCESSING_CODE])},`
    + `"amount":${opt(s[S.AMOUNT])},"currency":${opt(s[S.CURRENCY])},"pan":${opt(s[S.MASKED_PAN])},"fields":[${fieldMaskList(s, S.REQUEST_FIELDS)}]},`
    + `"route":${route},`
    + `"outcome":{"response_code":${str(s[S.RESPONSE_CODE] as string)},"approval_code":${opt(s[S.APPROVAL_CODE])},"reason":${str(s[S.REASON] as string)},"duplicate":${s[S.DUPLICATE] === true}},`
    + `"response":${response},"stages":${stageList(s)},"error":${errorJson(s)}}`);
}
