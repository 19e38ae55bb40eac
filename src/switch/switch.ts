// Switch: one received frame in, one answer out. Starts the trace, decodes (partially when it
// must), runs the pipeline, hands the finished transaction to the sinks, logs one line. No sockets.

import { isResponseMti, type IsoMessage } from '../codec/index.js';
import type { Logger } from '../shared/index.js';
import { IdSource, nowUs, TraceRecord, type TraceSink } from '../trace/index.js';
import { TxnContext, type ConnectionInfo } from './context.js';
import type { SwitchEnv } from './env.js';
import { rrnOf, stanOf, terminalOf } from './fields.js';
import { runPipeline } from './pipeline.js';

/** Where finished transactions go: the audit trail. A returned promise holds the answer back until it settles. */
export interface TransactionSink {
  complete(ctx: TxnContext): void | Promise<void>;
}

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
  readonly #sinks: readonly TransactionSink[];
  readonly #ids = new IdSource();
  readonly #log: Logger;
  readonly counters: SwitchCounters = { transactions: 0, unreadable: 0, unsolicitedResponses: 0 };

  constructor(env: SwitchEnv, traces: TraceSink, sinks: readonly TransactionSink[] = []) {
    this.#env = env;
    this.#traces = traces;
    this.#sinks = sinks;
    this.#log = env.logger;
  }

  /**
   * Handles one frame (message bytes, no length header or TPDU). Resolves with the packed answer,
   * or null when nothing is sent back (an unreadable MTI, an unsolicited response). Never rejects.
   * The frame is only read before the first await; anything kept is copied.
   */
  async handle(frame: Buffer, conn: ConnectionInfo): Promise<Buffer | null> {
    const receivedAtUs = nowUs();
    const { message, error } = this.#env.codec.unpackPartial(frame);
    if (message.mti === '') {
      this.counters.unreadable++;
      this.#log.warn({ evt: 'txn.unreadable', conn: conn.connId, err: { code: error?.code, field: error?.field, offset: error?.offset } }, 'frame dropped: MTI unreadable');
      return null;
    }
    if (isResponseMti(message.mti)) {
      this.counters.unsolicitedResponses++;
      this.#log.warn({ evt: 'txn.unsolicited_response', conn: conn.connId, mti: message.mti }, 'unsolicited response dropped');
      return null;
    }
    const request = hasBytes(message) ? message.detach() : message;
    const trace = new TraceRecord(this.#ids, `iso8583 ${message.mti}`, receivedAtUs);
    const ctx = new TxnContext(trace, conn, receivedAtUs, request, error);
    await runPipeline(ctx, this.#env);
    await this.#finish(ctx);
    return ctx.responseBytes;
  }

  async #finish(ctx: TxnContext): Promise<void> {
    ctx.completedAtUs = nowUs();
    const req = ctx.request;
    const attrs = ctx.trace.root.attributes;
    attrs['iso.mti'] = req.mti;
    attrs['iso.stan'] = stanOf(req);
    attrs['iso.terminal_id'] = terminalOf(req);
    attrs['iso.rrn'] = ctx.response === null ? rrnOf(req) : rrnOf(ctx.response);
    attrs['iso.response_code'] = ctx.responseCode;
    attrs['iso.issuer'] = ctx.route?.issuer ?? '';
    if (ctx.isDuplicate) attrs['isotrace.duplicate'] = true;
    if (ctx.error !== null) attrs['error.code'] = ctx.error.code;
    ctx.trace.root.end(ctx.responseCode === '96' ? 'error' : 'ok', ctx.completedAtUs);
    this.counters.transactions++;
    for (const sink of this.#sinks) {
      const pending = sink.complete(ctx);
      if (pending !== undefined) await pending;
    }
    this.#traces.export(ctx.trace);
    this.#log.info(
      {
        evt: 'txn.done',
        trace_id: ctx.trace.traceId,
        span_id: ctx.trace.root.spanId,
        conn: ctx.conn.connId,
        mti: req.mti,
        stan: attrs['iso.stan'],
        rc: ctx.responseCode,
        duplicate: ctx.isDuplicate,
        issuer: attrs['iso.issuer'],
        duration_us: ctx.completedAtUs - ctx.receivedAtUs,
        ...(ctx.error === null ? {} : { err: ctx.error }),
      },
      ctx.reason,
    );
  }
}
