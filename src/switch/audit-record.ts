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

/**
 * The record for `ctx`, keys in the order they are written. `ids` supplies the randomness of the
 * time-ordered record id (UUID v7) without a call into the secure generator per record.
 */
export function buildAuditRecord(ctx: TxnContext, ids: IdSource): Record<string, unknown> {
  const req = ctx.request;
  const res = ctx.response;
  const pan = ctx.pan ?? panOf(req);
  return {
    id: recordId(Math.floor(ctx.receivedAtUs / 1000), ids),
    trace_id: ctx.trace.traceId,
    received_at: isoMicros(ctx.receivedAtUs),
    completed_at: isoMicros(ctx.completedAtUs),
    duration_us: ctx.completedAtUs - ctx.receivedAtUs,
    source: { conn_id: ctx.conn.connId, remote: ctx.conn.remote },
    request: {
      mti: req.mti,
      stan: stanOf(req) || null,
      rrn: rrnOf(req) || (res === null ? null : rrnOf(res) || null),
      terminal_id: terminalOf(req) || null,
      merchant_id: merchantOf(req) || null,
      acquirer_id: acquirerOf(req) || null,
      processing_code: text(req, 3),
      amount: text(req, 4),
      currency: text(req, 49),
      pan: pan === null ? null : maskPan(pan),
      fields: req.fields(),
    },
    route: ctx.route === null ? null : { issuer: ctx.route.issuer, bin: ctx.route.bin || null },
    outcome: { response_code: ctx.responseCode, approval_code: ctx.approvalCode, reason: ctx.reason, duplicate: ctx.isDuplicate },
    response: res === null ? null : { mti: res.mti, fields: res.fields() },
    stages: ctx.stages.map((s) => ({ name: s.name, start_us: s.startUs, duration_us: s.durationUs, status: s.status })),
    error: ctx.error,
  };
}
