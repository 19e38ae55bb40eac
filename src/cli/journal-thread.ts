// JournalThread: the switch's TxnJournal on a worker thread. The event loop only posts each turn's
// transaction summaries in one message (strict mode: in messages of up to 16); making the audit
// record texts, sealing them (SHA-256 or HMAC each), writing, syncing and formatting the txn.done
// lines all happen on the worker, with the same functions InlineJournal uses. Strict mode resolves
// once the batch is on disk; async at once.

import { Worker } from 'node:worker_threads';
import { AuditError, CommitGroup, resolveAuditWriterOptions, type AuditMode, type AuditWriterStats } from '../audit/index.js';
import { NOOP_LOGGER, type Logger } from '../shared/index.js';
import type { TxnJournal, TxnSummary } from '../switch/index.js';
import type { Failure, JournalInit, ToMain, ToWorker } from './journal-protocol.js';

export interface JournalThreadOptions {
  dir: string;
  mode: AuditMode;
  key: Buffer | null;
  maxFileBytes?: number;
  /** Rotated files older than this many days are deleted (0: kept). */
  retentionDays?: number;
  /** The oldest rotated files are deleted while the log passes this many bytes (0: no limit). */
  retentionBytes?: number;
  /** The writer's own lines (audit.opened, audit.write_failed, …), and txn.done lines when `logFd` is null. */
  logger?: Logger;
  /** The worker logs txn.done lines itself with pino on this fd at `logLevel` (the process logger's own destination); null: through `logger`. */
  logFd?: number | null;
  logLevel?: string;
}

type Closed = Extract<ToMain, { t: 'closed' }>;

const RESOLVED = Promise.resolve();
/**
 * In async mode the journal thread is off the answers' path: it lowers its priority so that on a
 * busy machine the event loop gets the CPU first (measured on 2 cores under the switch benchmark:
 * about 12% more answers a second).
 */
const ASYNC_NICE_BY = 10;
/**
 * Strict mode: a batch goes to the journal thread once it holds this many summaries, without
 * waiting for the end of the event-loop turn, so that the thread seals and syncs while the loop
 * is still handling the rest of the turn's requests (measured on 2 cores under the switch
 * benchmark: about 24,400 to 28,500-29,200 answers a second with 8 to 16; no gain in async mode,
 * where nothing waits for the thread).
 */
const STRICT_POST_AT = 16;

/** The worker's script: beside this file once built; from the sources (tests), its built copy. */
function workerUrl(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./journal-worker.js', here);
  return new URL(here.replace(/\/src\/cli\/journal-thread\.ts$/, '/dist/src/cli/journal-worker.js'));
}

const asError = (f: Failure): AuditError => new AuditError(f.code as 'AUDIT_WRITE_FAILED', f.message);

export class JournalThread implements TxnJournal {
  readonly #worker: Worker;
  readonly #isStrict: boolean;
  readonly #log: Logger;
  #batch: TxnSummary[] = [];
  #group: CommitGroup | null = null;
  #isScheduled = false;
  #next = 0;
  /** Strict mode: the batches posted and not yet answered, by number. */
  readonly #waiting = new Map<number, CommitGroup>();
  #head = '';
  #nice = 0;
  #stats: AuditWriterStats = { records: 0, batches: 0, recordsPerBatch: 0, failures: 0, recordsFailed: 0, tornLinesRepaired: 0, headFailures: 0 };
  #stopped: AuditError | null = null;
  #closing: Promise<void> | null = null;
  #onClosed: ((m: Closed) => void) | null = null;

  private constructor(worker: Worker, isStrict: boolean, log: Logger) {
    this.#worker = worker;
    this.#isStrict = isStrict;
    this.#log = log;
  }

  /**
   * Starts the worker, which opens the audit log as AuditWriter.open does (directory, chain tail,
   * torn last line). The real file system only: tests that inject disk failures use AuditWriter.
   * @throws ConfigError for a bad option; AuditError as AuditWriter.open.
   */
  static async open(options: JournalThreadOptions): Promise<JournalThread> {
    const o = resolveAuditWriterOptions({
      dir: options.dir, mode: options.mode, key: options.key, maxFileBytes: options.maxFileBytes, retentionDays: options.retentionDays, retentionBytes: options.retentionBytes,
    });
    const logFd = options.logFd ?? null;
    const init: JournalInit = {
      dir: o.dir, key: o.key === null ? null : new Uint8Array(o.key), maxFileBytes: o.maxFileBytes, retentionDays: o.retentionDays, retentionBytes: o.retentionBytes,
      isStrict: o.mode === 'strict',
      niceBy: o.mode === 'strict' ? 0 : ASYNC_NICE_BY,
      log: logFd === null ? null : { fd: logFd, level: options.logLevel ?? 'info' },
    };
    const worker = new Worker(workerUrl(), { workerData: init });
    const journal = new JournalThread(worker, init.isStrict, options.logger ?? NOOP_LOGGER);
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

  /** The journal thread's nice value (Linux; 0 elsewhere): 10 more than the process's in async mode. */
  get nice(): number {
    return this.#nice;
  }

  /** Hash of the last record on disk; known once closed. */
  get head(): string {
    return this.#head;
  }

  /** HOT: queues `summary` for this turn's batch (strict mode: for the batch being filled). */
  record(summary: TxnSummary): Promise<void> {
    if (this.#closing !== null) return Promise.reject(new AuditError('AUDIT_CLOSED', 'the audit writer is closed'));
    if (this.#stopped !== null) return Promise.reject(this.#stopped);
    this.#batch.push(summary);
    if (!this.#isStrict) {
      this.#schedulePost();
      return RESOLVED;
    }
    const group = (this.#group ??= new CommitGroup());
    if (this.#batch.length >= STRICT_POST_AT) this.#sendBatch();
    else this.#schedulePost();
    return group.promise;
  }

  #schedulePost(): void {
    if (this.#isScheduled) return;
    this.#isScheduled = true;
    setImmediate(this.#post);
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

  readonly #post = (): void => {
    this.#isScheduled = false;
    this.#sendBatch();
  };

  /** Sends the summaries queued, if any, as one batch. */
  #sendBatch(): void {
    if (this.#batch.length === 0 || this.#stopped !== null) return;
    const n = this.#next++;
    if (this.#group !== null) this.#waiting.set(n, this.#group);
    this.#send({ t: 'batch', n, summaries: this.#batch });
    this.#batch = [];
    this.#group = null;
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
    this.#group?.reject(this.#stopped);
    this.#group = null;
    this.#batch = [];
    this.#onClosed?.({ t: 'closed', stats: this.#stats, head: this.#head, error: { code: this.#stopped.code, message: this.#stopped.message } });
  }
}
