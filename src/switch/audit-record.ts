// The audit record of one finished transaction, built once at its end: who (source), what
// (request summary, masked PAN, field numbers), when (times, stage timings), where it went (route)
// and how it ended (outcome, response, error). Track data, PIN blocks, CVV and DE 55 never appear.

import { v7 as uuidv7 } from 'uuid';
import { maskPan, type IsoMessage } from '../codec/index.js';
import type { IdSource } from '../trace/index.js';
import type { TxnContext } from './context.js';
import { acquirerOf, merchantOf, panOf, rrnOf, stanOf, terminalOf } from './fields.js';

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

function text(msg: IsoMessage, de: number): string | null {
  const v = msg.get(de);
  return typeof v === 'string' ? v : null;
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
function str(v: string): string {
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
}

const strOrNull = (v: string | null): string => (v === null ? 'null' : str(v));
const nonEmpty = (v: string): string => (v === '' ? 'null' : str(v));

function fieldList(numbers: number[]): string {
  return `[${numbers.join(',')}]`;
}

function stageList(ctx: TxnContext): string {
  let out = '';
  for (const s of ctx.stages) {
    out += `${out === '' ? '' : ','}{"name":${str(s.name)},"start_us":${s.startUs},"duration_us":${s.durationUs},"status":"${s.status}"}`;
  }
  return `[${out}]`;
}

function errorJson(e: TxnContext['error']): string {
  if (e === null) return 'null';
  const field = e.field === null ? 'null' : typeof e.field === 'number' ? String(e.field) : str(e.field);
  return `{"code":${str(e.code)},"field":${field},"offset":${e.offset === null ? 'null' : e.offset}}`;
}

/**
 * HOT: the record for `ctx` as JSON text, keys in the order they are written: exactly the text
 * JSON.stringify gives for the same record (the hash chain's canonical form depends on it), built
 * without an intermediate object. `ids` supplies the randomness of the time-ordered record id
 * (UUID v7) without a call into the secure generator per record.
 */
export function auditRecordJson(ctx: TxnContext, ids: IdSource): string {
  const req = ctx.request;
  const res = ctx.response;
  const pan = ctx.pan ?? panOf(req);
  const route = ctx.route;
  const rrn = rrnOf(req) || (res === null ? '' : rrnOf(res));
  return `{"id":"${recordId(Math.floor(ctx.receivedAtUs / 1000), ids)}","trace_id":"${ctx.trace.traceId}",`
    + `"received_at":"${isoMicros(ctx.receivedAtUs)}","completed_at":"${isoMicros(ctx.completedAtUs)}","duration_us":${ctx.completedAtUs - ctx.receivedAtUs},`
    + `"source":{"conn_id":${str(ctx.conn.connId)},"remote":${str(ctx.conn.remote)}},`
    + `"request":{"mti":${str(req.mti)},"stan":${nonEmpty(stanOf(req))},"rrn":${nonEmpty(rrn)},"terminal_id":${nonEmpty(terminalOf(req))},`
    + `"merchant_id":${nonEmpty(merchantOf(req))},"acquirer_id":${nonEmpty(acquirerOf(req))},"processing_code":${strOrNull(text(req, 3))},`
    + `"amount":${strOrNull(text(req, 4))},"currency":${strOrNull(text(req, 49))},"pan":${pan === null ? 'null' : str(maskPan(pan))},"fields":${fieldList(req.fields())}},`
    + `"route":${route === null ? 'null' : `{"issuer":${str(route.issuer)},"bin":${nonEmpty(route.bin)}}`},`
    + `"outcome":{"response_code":${str(ctx.responseCode)},"approval_code":${strOrNull(ctx.approvalCode)},"reason":${str(ctx.reason)},"duplicate":${ctx.isDuplicate}},`
    + `"response":${res === null ? 'null' : `{"mti":${str(res.mti)},"fields":${fieldList(res.fields())}}`},`
    + `"stages":${stageList(ctx)},"error":${errorJson(ctx.error)}}`;
}
