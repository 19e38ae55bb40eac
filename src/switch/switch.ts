// Switch: one received frame in, one answer out. Starts the trace, decodes (partially when it
// must), runs the pipeline, hands the finished transaction to the sinks, logs one line. No sockets.

import { isResponseMti, type IsoMessage } from '../codec/index.js';
import type { Logger } from '../shared/index.js';
import { IdSource, nowUs, TraceRecord, type AttributeValue, type TraceSink } from '../trace/index.js';
import { TxnContext, type ConnectionInfo } from './context.js';
import type { SwitchEnv } from './env.js';
import { rrnOf, stanOf, terminalOf } from './fields.js';
import { runPipeline } from './pipeline.js';
import { InlineJournal, type TxnJournal } from './journal.js';
import { summarize } from './txn-summary.js';
import { releaseHold, rememberApproval } from './stages/authorize.js';
import { respond } from './stages/respond.js';

export interface SwitchCounters {
  transactions: number;
  unreadable: number;
  unsolicitedResponses: number;
}

function hasBytes(msg: IsoMessage): boolean {
  for (const v of msg.values) if (v !== undefined && typeof v !== 'string') return true;
  return false;
}

export class Switch {
  readonly #env: SwitchEnv;
  readonly #traces: TraceSink;
  readonly #journal: TxnJournal;
  readonly #ids = new IdSource();
  readonly #log: Logger;
  readonly counters: SwitchCounters = { transactions: 0, unreadable: 0, unsolicitedResponses: 0 };

  /** `journal`: where finished transactions go; by default, no audit trail and the txn.done line on env.logger. */
  constructor(env: SwitchEnv, traces: TraceSink, journal: TxnJournal = new InlineJournal(null, env.logger)) {
    this.#env = env;
    this.#traces = traces;
    this.#journal = journal;
    this.#log = env.logger;
  }

  /**
   * Handles one frame (message bytes, no length header or TPDU). Resolves with the packed answer,
   * or null when nothing is sent back (an unreadable MTI, an unsolicited response). Never rejects.
   * The frame is only read before the first await; anything kept is copied.
   */
  async handle(frame: Buffer, conn: ConnectionInfo): Promise<Buffer | null> {
    const receivedAtUs = nowUs();
    const frameBytes = frame.length;
    const { message, error } = this.#env.codec.unpackPartial(frame);
    if (message.mti === '') {
      this.counters.unreadable++;
      this.#log.warn({ evt: 'txn.unreadable', conn: conn.connId, err: { code: error?.code, field: error?.field, offset: error?.offset } }, 'frame dropped: MTI unreadable');
      this.#env.onFormatError?.(conn);
      return null;
    }
    // Counted at once, before the first await: past the limit the server decodes no more of the chunk.
    if (error !== null) this.#env.onFormatError?.(conn);
    if (isResponseMti(message.mti)) {
      this.counters.unsolicitedResponses++;
      this.#log.warn({ evt: 'txn.unsolicited_response', conn: conn.connId, mti: message.mti }, 'unsolicited response dropped');
      return null;
    }
    const request = hasBytes(message) ? message.detach() : message;
    const trace = new TraceRecord(this.#ids, `iso8583 ${message.mti}`, receivedAtUs);
    const ctx = new TxnContext(trace, conn, receivedAtUs, request, error);
    await runPipeline(ctx, this.#env);
    if (error === null && ctx.responseCode === this.#env.dialect.codes.FORMAT_ERROR) this.#env.onFormatError?.(conn);
    this.#end(ctx);
    try {
      await this.#journal.record(summarize(ctx, frameBytes));
      rememberApproval(ctx, this.#env);
    } catch (err) {
      await this.#unrecorded(ctx, err);
    }
    if (ctx.dedupeKey !== null) this.#settle(ctx, ctx.dedupeKey);
    this.#traces.export(ctx.trace);
    return ctx.responseBytes;
  }

  /**
   * Keeps the answer for repeats of the request, unless it is a 96 (a system failure: a resend
   * deserves a new try) or there is none; then a resend is handled as a new request.
   */
  #settle(ctx: TxnContext, key: string): void {
    if (ctx.responseBytes === null || ctx.responseCode === this.#env.dialect.codes.SYSTEM_ERROR) this.#env.duplicates.abandon(key);
    else this.#env.duplicates.settle(key, { bytes: ctx.responseBytes, responseCode: ctx.responseCode, approvalCode: ctx.approvalCode });
  }

  /**
   * The finished transaction's record could not be written (a full or read-only disk): no terminal
   * may hold an answer the audit log lacks, so the answer becomes RC 96, the hold of an approval
   * is released before it goes out, and the failure is logged loudly.
   */
  async #unrecorded(ctx: TxnContext, err: unknown): Promise<void> {
    const code = (err as { code?: string }).code ?? 'AUDIT_WRITE_FAILED';
    this.#log.error({ evt: 'txn.audit_failed', trace_id: ctx.trace.traceId, err: { code } }, 'audit record not written: answering 96');
    if (ctx.responseCode === this.#env.dialect.codes.APPROVED) await releaseHold(ctx, this.#env);
    ctx.error = { code, field: null, offset: null };
    ctx.decide(this.#env.dialect.codes.SYSTEM_ERROR, 'audit record not written');
    ctx.responseBytes = null;
    respond(ctx, this.#env);
    const root = ctx.trace.root;
    root.setAttribute('iso.response_code', ctx.responseCode);
    root.setAttribute('error.code', code);
    root.end('error', root.endUs);
  }

  /** Ends the transaction's trace: completion time and the root span's attributes. */
  #end(ctx: TxnContext): void {
    ctx.completedAtUs = nowUs();
    const req = ctx.request;
    const attrs: Record<string, AttributeValue> = {
      'iso.mti': req.mti,
      'iso.stan': stanOf(req),
      'iso.terminal_id': terminalOf(req),
      'iso.rrn': ctx.response === null ? rrnOf(req) : rrnOf(ctx.response),
      'iso.response_code': ctx.responseCode,
      'iso.issuer': ctx.route?.issuer ?? '',
    };
    if (ctx.isDuplicate) attrs['isotrace.duplicate'] = true;
    if (ctx.error !== null) attrs['error.code'] = ctx.error.code;
    ctx.trace.root.attributes = attrs;
    ctx.trace.root.end(ctx.responseCode === this.#env.dialect.codes.SYSTEM_ERROR ? 'error' : 'ok', ctx.completedAtUs);
    this.counters.transactions++;
  }
}
