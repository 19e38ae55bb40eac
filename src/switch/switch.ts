// Switch: one received frame in, one answer out. Decodes (partially when it must), starts the trace
// (or continues the caller's, named by env.traceField), runs the pipeline (stages, respond, then the
// commit phase: journal, originals, duplicates, trace export). No sockets.

import { isResponseMti, type FieldPath, type IsoMessage } from '../codec/index.js';
import type { Logger } from '../common/index.js';
import { IdSource, nowUs, TraceRecord, type TraceSink } from '../trace/index.js';
import type { CommitEnv } from './commit.js';
import { TxnContext, type ConnectionInfo } from './context.js';
import type { SwitchEnv } from './env.js';
import { runPipeline } from './pipeline.js';
import { InlineJournal, type TxnJournal } from './journal.js';
import { remoteParentOf } from './trace-parent.js';
import { recordAdvice, type DeliveredAdvice } from './advice-record.js';
import type { TxnMetrics } from './txn-metrics.js';

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
  /** The stages' env with the commit participants' sinks, made once. */
  readonly #env: CommitEnv;
  readonly #ids = new IdSource();
  readonly #log: Logger;
  readonly #traceField: FieldPath | null;
  readonly #metrics: TxnMetrics | null;
  readonly counters: SwitchCounters = { transactions: 0, unreadable: 0, unsolicitedResponses: 0 };

  /** `journal`: where finished transactions go; by default, no audit trail and the txn.done line on env.logger. */
  constructor(env: SwitchEnv, traces: TraceSink, journal: TxnJournal = new InlineJournal(null, env.logger)) {
    this.#env = { ...env, journal, traces, isTraceSampled: (trace) => traces.isSampled(trace) };
    this.#log = env.logger;
    this.#traceField = env.traceField ?? null;
    this.#metrics = env.metrics ?? null;
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
    const parent = this.#traceField === null ? null : remoteParentOf(request, this.#traceField, this.#log);
    const trace = new TraceRecord(this.#ids, `iso8583 ${message.mti}`, receivedAtUs, parent);
    const ctx = new TxnContext(trace, conn, receivedAtUs, request, error, frameBytes);
    await runPipeline(ctx, this.#env);
    this.counters.transactions++;
    if (this.#metrics !== null) this.#metrics.record(ctx, nowUs());
    return ctx.responseBytes;
  }

  /**
   * Audits a reversal advice the switch delivered from its store-and-forward queue and the issuer
   * acknowledged, in the trace of the transaction it reverses. Never rejects: a record not
   * written is logged (the advice stays acknowledged).
   */
  async recordAdvice(advice: DeliveredAdvice): Promise<void> {
    try {
      await recordAdvice(advice, this.#env, this.#ids);
    } catch (err) {
      this.#log.error({ evt: 'saf.audit_failed', issuer: advice.issuer, err: { code: (err as { code?: string }).code } }, 'audit record of an acknowledged advice not written');
    }
  }
}
