// The text of the audit record of one finished transaction, built once at its end: who (source),
// what (request summary, masked PAN, field numbers), when (times, stage timings), where it went
// (route) and how it ended (outcome, response, error). Track data, PIN blocks, CVV and DE 55 never
// appear: a FinishedTxn does not carry them. The shapes are AuditRecord and CompactAuditRecord
// (record.ts, docs/audit-record.schema.json); the text is built directly, without an
// intermediate object, as it runs once per transaction.

import { v7 as uuidv7 } from 'uuid';
import { jsonString as str } from '../common/index.js';
import { REQUEST, RESPONSE, type FinishedTxn } from './finished-txn.js';
import { asAuditRecordText, type AuditRecordText } from './record.js';

/** Where record ids get their randomness: a pooled source (the trace layer's IdSource is one). */
export interface RandomBytes {
  /** `count` random bytes, read at once. */
  randomBytes(count: number): Uint8Array;
}

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
function recordId(ms: number, ids: RandomBytes): string {
  const random = ids.randomBytes(16);
  if (ms > idMs) {
    idMs = ms;
    idSeq = ((random[0] << 16) | (random[1] << 8) | random[2]) & 0x3fffffff; // leaves room to count up
  } else {
    idSeq = (idSeq + 1) & 0x7fffffff;
  }
  return uuidv7({ random, msecs: idMs, seq: idSeq });
}

/** A string or null (as JSON); `''` is written as null too when `isEmptyNull`. */
function opt(v: string | null, isEmptyNull = false): string {
  return v === null || (isEmptyNull && v === '') ? 'null' : str(v);
}

const BITS = 48;
const HALF = 2 ** 24;

/** The field numbers of `message`'s mask, as a JSON array's inside: `2,3,4,11`. */
export function fieldList(t: Pick<FinishedTxn, 'fieldMaskGroups' | 'fieldMask'>, message: typeof REQUEST | typeof RESPONSE): string {
  let out = '';
  for (let g = 0; g < t.fieldMaskGroups; g++) {
    const m = t.fieldMask(message, g);
    if (m === 0) continue;
    // Two 24-bit halves, so that the bit tests stay in 32-bit integers.
    for (let h = 0; h < 2; h++) {
      for (let b = 0, bits = h === 0 ? m % HALF : Math.floor(m / HALF); bits !== 0; b++, bits >>>= 1) {
        if ((bits & 1) !== 0) out += `${out === '' ? '' : ','}${g * BITS + h * 24 + b + 1}`;
      }
    }
  }
  return out;
}

function stageList(t: FinishedTxn): string {
  let out = '';
  for (let i = 0; i < t.stageCount; i++) {
    out += `${i === 0 ? '' : ','}{"name":${str(t.stageName(i))},"start_us":${t.stageStartUs(i)},"duration_us":${t.stageDurationUs(i)},"status":"${t.stageStatus(i)}"}`;
  }
  return `[${out}]`;
}

function errorJson(t: FinishedTxn): string {
  if (t.errorCode === null) return 'null';
  const field = t.errorField;
  return `{"code":${str(t.errorCode)},"field":${typeof field === 'string' ? str(field) : String(field)},"offset":${String(t.errorOffset)}}`;
}

/** `,"key":"value"` for a value present, nothing for ''. */
function present(key: string, v: string): string {
  return v === '' ? '' : `,"${key}":${str(v)}`;
}

/** `"id":…,"trace_id":…,` the times and the source: what both records start with. */
function head(t: FinishedTxn, ids: RandomBytes): string {
  const receivedUs = t.receivedUs;
  const completedUs = t.completedUs;
  return `{"id":"${recordId(Math.floor(receivedUs / 1000), ids)}","trace_id":${str(t.traceId)},`
    + `"received_at":"${isoMicros(receivedUs)}","completed_at":"${isoMicros(completedUs)}","duration_us":${completedUs - receivedUs},`
    + `"source":{"conn_id":${str(t.connId)},"remote":${str(t.remote)}},`;
}

/**
 * The compact record of a request of which no field could be decoded (a garbage frame, or a bare
 * MTI, answered 30): when, from where, how long the frame was, the error and its place, what it
 * was answered; no stages, no field lists and no empty keys, so a flood of garbage costs a
 * fraction of the full record.
 */
function compactRecordJson(t: FinishedTxn, ids: RandomBytes): AuditRecordText {
  const request = `"mti":${str(t.mti)}${present('stan', t.stan)}${present('rrn', t.rrn)}${present('terminal_id', t.terminalId)}`;
  const response = t.responseMti === null ? 'null' : `{"mti":${str(t.responseMti)}}`;
  return asAuditRecordText(`${head(t, ids)}"frame_bytes":${t.unreadableBytes!},`
    + `"request":{${request}},"outcome":{"response_code":${str(t.responseCode)}},"response":${response},"error":${errorJson(t)}}`);
}

/**
 * HOT: the AuditRecord (or CompactAuditRecord) of a finished transaction as JSON text, keys in the
 * order they are written: exactly the text JSON.stringify gives for the same record (the hash
 * chain's canonical form depends on it), built without an intermediate object. `ids` supplies the
 * randomness of the time-ordered record id (UUID v7) without a call into the secure generator per
 * record; records must be made in the order they are written.
 */
export function auditRecordJson(t: FinishedTxn, ids: RandomBytes): AuditRecordText {
  if (t.unreadableBytes !== null) return compactRecordJson(t, ids);
  const route = t.hasRoute ? `{"issuer":${str(t.issuer)},"bin":${opt(t.bin, true)}}` : 'null';
  const response = t.responseMti === null ? 'null' : `{"mti":${str(t.responseMti)},"fields":[${fieldList(t, RESPONSE)}]}`;
  return asAuditRecordText(`${head(t, ids)}`
    + `"request":{"mti":${str(t.mti)},"stan":${opt(t.stan, true)},"rrn":${opt(t.rrn, true)},"terminal_id":${opt(t.terminalId, true)},`
    + `"merchant_id":${opt(t.merchantId, true)},"acquirer_id":${opt(t.acquirerId, true)},"processing_code":${opt(t.processingCode)},`
    + `"amount":${opt(t.amount)},"currency":${opt(t.currency)},"pan":${opt(t.maskedPan)},"fields":[${fieldList(t, REQUEST)}]},`
    + `"route":${route},`
    + `"outcome":{"response_code":${str(t.responseCode)},"approval_code":${opt(t.approvalCode)},"reason":${str(t.reason)},"duplicate":${t.isDuplicate}},`
    + `"response":${response},"stages":${stageList(t)},"error":${errorJson(t)}}`);
}
