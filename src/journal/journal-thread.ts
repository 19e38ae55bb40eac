// JournalThread: the switch's TxnJournal on a worker thread. The event loop only posts each turn's
// finished transactions (TxnOutcome's wire form) in one message (strict mode: in messages of up to 16; the batching is the
// audit writer's own CommitQueue); making the audit record texts, sealing them (SHA-256 or HMAC
// each), writing, syncing and formatting the txn.done lines all happen on the worker, with the same
// functions InlineJournal uses. Strict mode resolves once the batch is on disk; async at once.

import { Worker } from 'node:worker_threads';
import { AuditError, CommitQueue, type AuditBatchStats, type AuditWriterStats, type CommitGroup } from '../audit/index.js';
import { ConfigError, type Logger } from '../common/index.js';
import { StoreError } from '../store/index.js';
import type { OutcomeWire, TxnJournal, TxnOutcome } from '../switch/index.js';
import { resolveJournalOptions, type JournalThreadOptions, type ResolvedJournalOptions } from './journal-options.js';
import type { Failure, JournalInit, ToMain, ToWorker } from './journal-protocol.js';

type Closed = Extract<ToMain, { t: 'closed' }>;

/**
 * In async mode the journal thread is off the answers' path: it lowers its priority so that on a
 * busy machine the event loop gets the CPU first (measured on 2 cores under the switch benchmark:
 * about 12% more answers a second).
 */
const ASYNC_NICE_BY = 10;
/**
 * Strict mode: a batch goes to the journal thread once it holds this many outcomes, without
 * waiting for the end of the event-loop turn, so that the thread seals and syncs while the loop
 * is still handling the rest of the turn's requests (measured on 2 cores under the switch
 * benchmark: about 24,400 to 28,500-29,200 answers a second with 8 to 16; no gain in async mode,
 * where nothing waits for the thread).
 */
const STRICT_POST_AT = 16;
/**
 * Strict mode: at most this many batches are with the journal thread at once. What is queued
 * meanwhile waits on the event loop and goes as one batch when one is answered: a thread still
 * syncing would otherwise take each small batch on its own, one fdatasync and one message each.
 */
const STRICT_MAX_POSTED = 2;
/**
 * The same with the store's transaction log: there the thread waits for the database without
 * blocking, and takes every batch that arrives meanwhile into its next INSERT, so more may be with it.
 */
const STORE_MAX_POSTED = 8;

/** A module the worker loads, as a URL it can load: from the sources (tests), its built copy in dist/. */
function runnable(url: string): string {
  return import.meta.url.endsWith('.ts') ? url.replace(/\/src\/(.*)\.[jt]s$/, '/dist/src/$1.js') : url;
}

/** The worker's script: beside this file. */
const WORKER_URL = new URL(runnable(new URL('./journal-worker.js', import.meta.url).href));

/** A failure from the worker as the error its writer threw: a StoreError for the transaction log's, else an AuditError. */
const asError = (f: Failure): AuditError | StoreError => (f.code.startsWith('STORE_') ? new StoreError(f.code as 'STORE_UNAVAILABLE', f.message) : new AuditError(f.code as 'AUDIT_WRITE_FAILED', f.message));

export class JournalThread implements TxnJournal {
  readonly #worker: Worker;
  readonly #log: Logger;
  readonly #batchStats: AuditBatchStats | null;
  /** The outcomes of the batch being filled; posted once per turn, and in strict mode at 16. */
  readonly #queue: CommitQueue<OutcomeWire>;
  /** Strict mode: at most this many batches with the thread at once. */
  readonly #maxPosted: number;
  #next = 0;
  /** Strict mode: the batches posted and not yet answered, by number. */
  readonly #waiting = new Map<number, CommitGroup>();
  #head = '';
  #nice = 0;
  #stats: AuditWriterStats = { records: 0, batches: 0, recordsPerBatch: 0, failures: 0, recordsFailed: 0, tornLinesRepaired: 0, headFailures: 0 };
  #stopped: AuditError | null = null;
  #closing: Promise<void> | null = null;
  #onClosed: ((m: Closed) => void) | null = null;

  private constructor(worker: Worker, o: ResolvedJournalOptions) {
    this.#worker = worker;
    this.#log = o.audit.logger;
    this.#batchStats = o.audit.batchStats;
    this.#queue = new CommitQueue({ mode: o.audit.mode, onReady: this.#sendBatch, readyAt: STRICT_POST_AT });
    this.#maxPosted = o.store === null ? STRICT_MAX_POSTED : STORE_MAX_POSTED;
  }

  /**
   * Starts the worker, which opens the audit log as AuditWriter.open does (directory, chain tail,
   * torn last line), in the mode the options give. The real file system only: tests that inject
   * disk failures use AuditWriter. Options already resolved (resolveJournalOptions) are not checked again.
   * `batchStats` (metrics) must live in a SharedArrayBuffer: the worker's writer updates it.
   * @throws ConfigError for a bad option; AuditError as AuditWriter.open.
   */
  static async open(options: JournalThreadOptions | ResolvedJournalOptions): Promise<JournalThread> {
    const o = resolveJournalOptions(options);
    const a = o.audit;
    const shared = a.batchStats?.buffer ?? null;
    if (shared !== null && !(shared instanceof SharedArrayBuffer)) throw new ConfigError('audit.batchStats', 'expected one over a SharedArrayBuffer (the journal thread updates it)');
    const init: JournalInit = {
      dir: a.dir, key: a.key === null ? null : new Uint8Array(a.key), maxFileBytes: a.maxFileBytes, retentionDays: a.retentionDays, retentionBytes: a.retentionBytes,
      mode: a.mode,
      niceBy: a.mode === 'strict' ? 0 : ASYNC_NICE_BY,
      log: o.log === null ? null : { ...o.log, module: runnable(o.log.module) },
      batchStats: shared,
      store: o.store,
    };
    const worker = new Worker(WORKER_URL, { workerData: init });
    const journal = new JournalThread(worker, o);
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (m: ToMain) => {
        if (m.t === 'opened') {
          journal.#nice = m.nice;
          worker.off('error', reject);
          worker.on('error', (err) => journal.#stop(err));
          worker.on('exit', () => journal.#stop(null));
          resolve();
        } else if (m.t === 'open-failed') {
          void worker.terminate();
          reject(asError(m));
        } else journal.#receive(m);
      });
    });
    return journal;
  }

  /** The writer's counters; known once closed. */
  get stats(): AuditWriterStats {
    return this.#stats;
  }

  /** The batches written by the journal thread, as it counts them (null unless `batchStats` was given). */
  get batchStats(): AuditBatchStats | null {
    return this.#batchStats;
  }

  /** False once the journal thread stopped or close() was called: records are refused from then on. */
  get isWritable(): boolean {
    return this.#stopped === null && this.#closing === null;
  }

  /** The journal thread's nice value (Linux; 0 elsewhere): 10 more than the process's in async mode. */
  get nice(): number {
    return this.#nice;
  }

  /** Hash of the last record on disk; known once closed. */
  get head(): string {
    return this.#head;
  }

  /** HOT: queues `outcome` for this turn's batch (strict mode: for the batch being filled). */
  record(outcome: TxnOutcome): Promise<void> {
    if (this.#closing !== null) return Promise.reject(new AuditError('AUDIT_CLOSED', 'the audit writer is closed'));
    if (this.#stopped !== null) return Promise.reject(this.#stopped);
    return this.#queue.push(outcome.wire);
  }

  /**
   * The thread's txn.done lines go to a file (logDest a path): it opens the path again, for
   * logrotate (SIGHUP). Lines of batches before go to the file open before, later ones to the new.
   */
  reopenLog(): void {
    if (this.#closing === null && this.#stopped === null) this.#send({ t: 'reopen-log' });
  }

  /** Sends what is queued, waits for it, closes the audit log and ends the worker. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#post();
    if (this.#stopped !== null) return;
    const closed = new Promise<Closed>((resolve) => (this.#onClosed = resolve));
    this.#send({ t: 'close' });
    const m = await closed;
    if (m.error !== null) throw asError(m.error);
  }

  /** The queue's onReady: sends the outcomes queued as one batch, unless the thread has enough to do. */
  readonly #sendBatch = (): void => {
    if (this.#waiting.size < this.#maxPosted) this.#post();
  };

  /** Sends the outcomes queued, if any, as one batch. */
  #post(): void {
    if (this.#queue.length === 0 || this.#stopped !== null) return;
    const { items, group } = this.#queue.take();
    const n = this.#next++;
    if (group !== null) this.#waiting.set(n, group);
    this.#send({ t: 'batch', n, outcomes: items });
  }

  #send(m: ToWorker): void {
    this.#worker.postMessage(m);
  }

  #receive(m: ToMain): void {
    if (m.t === 'done' || m.t === 'failed') {
      const group = this.#waiting.get(m.n);
      this.#waiting.delete(m.n);
      if (m.t === 'done') group?.resolve();
      else group?.reject(asError(m));
      if (this.#queue.length !== 0) this.#sendBatch();
    } else if (m.t === 'log') {
      this.#log[m.level](m.obj, m.msg);
    } else if (m.t === 'closed') {
      this.#stats = m.stats;
      this.#head = m.head;
      this.#onClosed?.(m);
    }
  }

  /** The worker ended or crashed: whatever waits fails, and so does every later record. */
  #stop(err: Error | null): void {
    if (this.#stopped !== null) return;
    const why = err === null ? 'the journal thread ended' : `the journal thread failed (${err.message})`;
    this.#stopped = new AuditError('AUDIT_WRITE_FAILED', `${why}; audit records not written`);
    if (err !== null || this.#closing === null) this.#log.error({ evt: 'audit.thread_stopped', err: { code: 'AUDIT_WRITE_FAILED', message: why } }, 'JOURNAL THREAD STOPPED: audit records not on disk');
    for (const group of this.#waiting.values()) group.reject(this.#stopped);
    this.#waiting.clear();
    this.#queue.fail(this.#stopped);
    this.#onClosed?.({ t: 'closed', stats: this.#stats, head: this.#head, error: { code: this.#stopped.code, message: this.#stopped.message } });
  }
}
