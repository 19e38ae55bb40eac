// TxnSummary: what a finished transaction leaves for its journal (the audit record and the
// txn.done log line), as one flat array of strings, numbers, booleans and nulls, with no nested
// arrays. Cheap to build on the hot path and cheap to post to the journal's thread, where the
// record text and the log line are made. Card data: the PAN is masked here, and nothing else
// sensitive is taken.

import { maskPan, type IsoMessage } from '../codec/index.js';
import type { TxnContext } from './context.js';
import { FIELD_MASK_LENGTH, pushFieldMask } from './field-mask.js';
import { acquirerOf, merchantOf, panOf, rrnOf, stanOf, terminalOf } from './fields.js';

export type TxnSummary = unknown[];

/** Positions in a TxnSummary. */
export const S = Object.freeze({
  TRACE_ID: 0, SPAN_ID: 1, RECEIVED_US: 2, COMPLETED_US: 3, CONN_ID: 4, REMOTE: 5,
  MTI: 6, STAN: 7, RRN: 8, TERMINAL: 9, MERCHANT: 10, ACQUIRER: 11, PROCESSING_CODE: 12, AMOUNT: 13, CURRENCY: 14,
  MASKED_PAN: 15, ISSUER: 16, BIN: 17, RESPONSE_CODE: 18, APPROVAL_CODE: 19, REASON: 20,
  DUPLICATE: 21, RESPONSE_MTI: 22, ERROR_CODE: 23, ERROR_FIELD: 24, ERROR_OFFSET: 25,
  /** Set to true when there is a route (ISSUER and BIN are then meaningful). */
  HAS_ROUTE: 26,
  /** The frame's length in bytes when nothing of the request past its MTI could be decoded (its record is then compact), else null. */
  UNREADABLE_BYTES: 27,
  /** The request's fields: a field mask (field-mask.ts) of FIELD_MASK_LENGTH numbers. */
  REQUEST_FIELDS: 28,
  /** The response's fields, likewise (no fields when there is no response). */
  RESPONSE_FIELDS: 28 + FIELD_MASK_LENGTH,
  /** From here to the end, four entries per stage run: name, start (µs from receipt), duration (µs), status. */
  STAGES: 28 + 2 * FIELD_MASK_LENGTH,
});

function text(msg: IsoMessage, de: number): string | null {
  const v = msg.get(de);
  return typeof v === 'string' ? v : null;
}

/**
 * HOT: the summary of `ctx`, once it is complete (completedAtUs set, outcome decided).
 * `frameBytes`: the length of the frame it came in, kept for a request of which no field could be read.
 */
export function summarize(ctx: TxnContext, frameBytes = 0): TxnSummary {
  const req = ctx.request;
  const res = ctx.response;
  const pan = ctx.pan ?? panOf(req);
  const e = ctx.error;
  const out: TxnSummary = [
    ctx.trace.traceId, ctx.trace.root.spanId, ctx.receivedAtUs, ctx.completedAtUs, ctx.conn.connId, ctx.conn.remote,
    req.mti, stanOf(req), rrnOf(req) || (res === null ? '' : rrnOf(res)), terminalOf(req), merchantOf(req), acquirerOf(req),
    text(req, 3), text(req, 4), text(req, 49), pan === null ? null : maskPan(pan),
    ctx.route?.issuer ?? '', ctx.route?.bin ?? '', ctx.responseCode, ctx.approvalCode, ctx.reason, ctx.isDuplicate,
    res === null ? null : res.mti, e === null ? null : e.code, e === null ? null : e.field, e === null ? null : e.offset, ctx.route !== null,
    // Unreadable: a decode error before any field (garbage, or a bare MTI). A request that fails
    // further in keeps its full record: what was read of it (PAN masked, amount, terminal) matters.
    ctx.decodeError !== null && req.fields().length === 0 ? frameBytes : null,
  ];
  pushFieldMask(out, req);
  pushFieldMask(out, res);
  // The stages are the root's child spans, in the order they ran (their own children are not stages).
  const spans = ctx.trace.spans;
  const root = ctx.trace.root;
  for (let i = 1; i < spans.length; i++) {
    const sp = spans[i];
    if (sp.parent === root) out.push(sp.name, sp.startUs - ctx.receivedAtUs, sp.endUs - sp.startUs, sp.status);
  }
  return out;
}
