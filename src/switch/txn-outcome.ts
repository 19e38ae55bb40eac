// TxnOutcome: a finished transaction, as the commit phase hands it to the journal: what the
// pipeline decided, the request and answer (values of a few fields, PAN masked, the DE numbers
// present), route, stage timings, error, duplicate flag. It is the audit layer's FinishedTxn.
// Inside, it is one flat array of strings, numbers, booleans and nulls (its wire form): cheap to
// build on the hot path, and the cheapest form to post to the journal's thread (structured clone
// of a flat array costs about a third of that of an object with the same values). The layout is
// private to this file. Card data: the PAN is masked here, and nothing else sensitive is taken.

import type { FinishedTxn } from '../audit/index.js';
import { maskPan, type IsoMessage } from '../codec/index.js';
import type { TxnContext } from './context.js';
import { FIELD_MASK_LENGTH, pushFieldMask } from './field-mask.js';
import { acquirerOf, merchantOf, panOf, rrnOf, stanOf, terminalOf } from './fields.js';

/** A TxnOutcome's wire form: opaque outside this file; posted between threads as it is. */
export type OutcomeWire = readonly unknown[] & { readonly __outcomeWire: never };

// Positions in the wire form.
const TRACE_ID = 0, SPAN_ID = 1, RECEIVED_US = 2, COMPLETED_US = 3, CONN_ID = 4, REMOTE = 5;
const MTI = 6, STAN = 7, RRN = 8, TERMINAL = 9, MERCHANT = 10, ACQUIRER = 11, PROCESSING_CODE = 12, AMOUNT = 13, CURRENCY = 14;
const MASKED_PAN = 15, ISSUER = 16, BIN = 17, RESPONSE_CODE = 18, APPROVAL_CODE = 19, REASON = 20;
const DUPLICATE = 21, RESPONSE_MTI = 22, ERROR_CODE = 23, ERROR_FIELD = 24, ERROR_OFFSET = 25, HAS_ROUTE = 26, UNREADABLE_BYTES = 27;
/** The request's field mask, then the response's (FIELD_MASK_LENGTH numbers each). */
const FIELDS = 28;
/** From here to the end, four entries per stage run: name, start (µs from receipt), duration (µs), status. */
const STAGES = FIELDS + 2 * FIELD_MASK_LENGTH;

function text(msg: IsoMessage, de: number): string | null {
  const v = msg.get(de);
  return typeof v === 'string' ? v : null;
}

/** HOT: the wire form of `ctx`, once it is complete (completedAtUs set, outcome decided). */
function wireOf(ctx: TxnContext): unknown[] {
  const req = ctx.request;
  const res = ctx.response;
  const pan = ctx.pan ?? panOf(req);
  const e = ctx.error;
  const out: unknown[] = [
    ctx.trace.traceId, ctx.trace.root.spanId, ctx.receivedAtUs, ctx.completedAtUs, ctx.conn.connId, ctx.conn.remote,
    req.mti, stanOf(req), rrnOf(req) || (res === null ? '' : rrnOf(res)), terminalOf(req), merchantOf(req), acquirerOf(req),
    text(req, 3), text(req, 4), text(req, 49), pan === null ? null : maskPan(pan),
    ctx.route?.issuer ?? '', ctx.route?.bin ?? '', ctx.responseCode, ctx.approvalCode, ctx.reason, ctx.isDuplicate,
    res === null ? null : res.mti, e === null ? null : e.code, e === null ? null : e.field, e === null ? null : e.offset, ctx.route !== null,
    // Unreadable: a decode error before any field (garbage, or a bare MTI). A request that fails
    // further in keeps its full record: what was read of it (PAN masked, amount, terminal) matters.
    ctx.decodeError !== null && req.fields().length === 0 ? ctx.frameBytes : null,
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

export class TxnOutcome implements FinishedTxn {
  readonly #w: readonly unknown[];

  private constructor(wire: readonly unknown[]) {
    this.#w = wire;
  }

  /** HOT: the outcome of `ctx`, once it is complete (completedAtUs set, outcome decided). */
  static of(ctx: TxnContext): TxnOutcome {
    return new TxnOutcome(wireOf(ctx));
  }

  /** The outcome a wire form (from `wire`, on another thread) stands for. */
  static fromWire(wire: OutcomeWire): TxnOutcome {
    return new TxnOutcome(wire);
  }

  /** Its wire form, to post to another thread. */
  get wire(): OutcomeWire {
    return this.#w as OutcomeWire;
  }

  get traceId(): string { return this.#w[TRACE_ID] as string; }
  get spanId(): string { return this.#w[SPAN_ID] as string; }
  get receivedUs(): number { return this.#w[RECEIVED_US] as number; }
  get completedUs(): number { return this.#w[COMPLETED_US] as number; }
  get connId(): string { return this.#w[CONN_ID] as string; }
  get remote(): string { return this.#w[REMOTE] as string; }
  get mti(): string { return this.#w[MTI] as string; }
  get stan(): string { return this.#w[STAN] as string; }
  get rrn(): string { return this.#w[RRN] as string; }
  get terminalId(): string { return this.#w[TERMINAL] as string; }
  get merchantId(): string { return this.#w[MERCHANT] as string; }
  get acquirerId(): string { return this.#w[ACQUIRER] as string; }
  get processingCode(): string | null { return this.#w[PROCESSING_CODE] as string | null; }
  get amount(): string | null { return this.#w[AMOUNT] as string | null; }
  get currency(): string | null { return this.#w[CURRENCY] as string | null; }
  get maskedPan(): string | null { return this.#w[MASKED_PAN] as string | null; }
  get hasRoute(): boolean { return this.#w[HAS_ROUTE] as boolean; }
  get issuer(): string { return this.#w[ISSUER] as string; }
  get bin(): string { return this.#w[BIN] as string; }
  get responseCode(): string { return this.#w[RESPONSE_CODE] as string; }
  get approvalCode(): string | null { return this.#w[APPROVAL_CODE] as string | null; }
  get reason(): string { return this.#w[REASON] as string; }
  get isDuplicate(): boolean { return this.#w[DUPLICATE] as boolean; }
  get responseMti(): string | null { return this.#w[RESPONSE_MTI] as string | null; }
  get errorCode(): string | null { return this.#w[ERROR_CODE] as string | null; }
  get errorField(): number | string | null { return this.#w[ERROR_FIELD] as number | string | null; }
  get errorOffset(): number | null { return this.#w[ERROR_OFFSET] as number | null; }
  get unreadableBytes(): number | null { return this.#w[UNREADABLE_BYTES] as number | null; }
  get fieldMaskGroups(): number { return FIELD_MASK_LENGTH; }
  fieldMask(message: 0 | 1, group: number): number { return this.#w[FIELDS + message * FIELD_MASK_LENGTH + group] as number; }
  get stageCount(): number { return (this.#w.length - STAGES) / 4; }
  stageName(i: number): string { return this.#w[STAGES + 4 * i] as string; }
  stageStartUs(i: number): number { return this.#w[STAGES + 4 * i + 1] as number; }
  stageDurationUs(i: number): number { return this.#w[STAGES + 4 * i + 2] as number; }
  stageStatus(i: number): 'ok' | 'error' { return this.#w[STAGES + 4 * i + 3] as 'ok' | 'error'; }
}
