// SafQueue: the durable store-and-forward queue of reversal advices owed to issuers. Every change
// is an event line in `saf.log`, written with group commit (the calls of one event-loop turn share
// one write + fdatasync) and resolved only once on disk; replayed at open. One owner per directory
// (its LOCK). Logs ids, issuers and counts, never field values.

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditLock, GroupCommit, cutTornTail, systemCode } from '../audit/index.js';
import { plural } from '../common/index.js';
import { checkAdvice, deliveryOf, type HeldEntry, type SafAdvice, type SafDelivery, type SafEntry } from './entry.js';
import { SAF_LOCK_OWNER, SafError } from './errors.js';
import { LOG_FILE, lineOf, type ChangeEvent } from './log-lines.js';
import { backoffMs, resolveSafQueueOptions, type ResolvedSafQueueOptions, type SafQueueOptions } from './queue-options.js';
import { replayLog, type Replayed } from './replay.js';
import { openSafKey, readSafKey } from './saf-key.js';
import { entryEventOf, snapshotText, type SafTable } from './saf-table.js';
import { sealFields } from './sealing.js';
import { readLog, SafLog, SNAPSHOT_FILE } from './saf-log.js';

/** One line waiting for the next batch; `queuedId` > 0 for an entry line (dropped again should its batch fail). */
interface Pending {
  readonly line: string;
  readonly queuedId: number;
}

const frozen = (entry: HeldEntry): SafEntry => Object.freeze({ ...entry });

export class SafQueue {
  readonly dir: string;
  readonly #o: ResolvedSafQueueOptions;
  readonly #lock: AuditLock;
  readonly #key: Buffer;
  readonly #table: SafTable;
  readonly #queue: GroupCommit<Pending>;
  readonly #log: SafLog;
  #canCompact = true;
  #isClosed = false;
  #closing: Promise<void> | null = null;

  private constructor(o: ResolvedSafQueueOptions, lock: AuditLock, key: Buffer, replayed: Replayed) {
    this.dir = o.dir;
    this.#o = o;
    this.#lock = lock;
    this.#key = key;
    this.#table = replayed.table;
    this.#log = new SafLog(o.dir, o.fs, replayed.keepBytes, replayed.events);
    // Compaction only between batches: then the table is exactly what the log says.
    this.#queue = new GroupCommit({ mode: 'strict', commit: (items) => this.#commit(items), idle: () => this.#compactIfDue() });
  }

  /**
   * Takes the directory's lock (creating it when missing), its key (created on first use), and
   * replays the log: a torn last line is set aside to `saf.log.torn-<ms>` and cut.
   * @throws ConfigError for a bad option; SafError SAF_LOCKED when another process holds the
   *   directory, SAF_OPEN_FAILED, SAF_BAD_LOG, SAF_KEY_INVALID, SAF_KEY_MISSING (sealed entries,
   *   no saf.key: none is made then).
   */
  static async open(options: SafQueueOptions): Promise<SafQueue> {
    const o = resolveSafQueueOptions(options);
    const lock = AuditLock.acquire(o.dir, o.logger, SAF_LOCK_OWNER);
    try {
      const path = join(o.dir, LOG_FILE);
      await rm(join(o.dir, SNAPSHOT_FILE), { force: true });
      const existing = readSafKey(o.dir);
      const replayed = replayLog(await readLog(path), existing, path);
      // Made only now: a log with sealed entries and no key fails above (SAF_KEY_MISSING) rather than get a useless new one.
      const key = existing ?? openSafKey(o.dir);
      if (replayed.tornBytes > 0) {
        const { sideFile } = await cutTornTail(path, replayed.keepBytes, { dir: o.dir, nowMs: o.nowMs, fs: o.fs });
        o.logger.warn({ evt: 'saf.torn_line_set_aside', file: path, sideFile, tornBytes: replayed.tornBytes, keptBytes: replayed.keepBytes }, 'torn last saf line set aside');
      }
      const queue = new SafQueue(o, lock, key, replayed);
      if (replayed.keepBytes === 0 || queue.#shouldCompact()) await queue.#compact();
      o.logger.info({ evt: 'saf.opened', dir: o.dir, owed: queue.size, issuers: queue.issuers() }, 'saf queue open');
      return queue;
    } catch (err) {
      lock.release();
      if (err instanceof SafError) throw err;
      throw new SafError('SAF_OPEN_FAILED', `${o.dir}: cannot open the saf queue (${systemCode(err)})`, { cause: err });
    }
  }

  /** Entries owed (queued or sent, not yet acknowledged or purged). */
  get size(): number {
    return this.#table.size;
  }

  /**
   * How much `issuer` is owed, without copying entries (for metrics): the count, and when the
   * oldest entry became owed (ms since the epoch; null when none is).
   */
  depth(issuer: string): { count: number; oldestCreatedAt: number | null } {
    return { count: this.#table.countOf(issuer), oldestCreatedAt: this.#table.head(issuer)?.createdAt ?? null };
  }

  /** Issuers owed at least one entry. */
  issuers(): string[] {
    return this.#table.issuers();
  }

  /** The owed entries in id order; of one issuer when given. Copies: they do not change later. */
  entries(issuer?: string): SafEntry[] {
    return this.#table.entries(issuer).map(frozen);
  }

  /** The owed entry `id`, or null. */
  get(id: number): SafEntry | null {
    const slot = this.#table.get(id);
    return slot === undefined ? null : frozen(slot.entry);
  }

  /**
   * The oldest entry owed to `issuer`, and how it goes out if sent now: `0420` when it was never
   * marked sent, else the repeat `0421`. Null when nothing is owed. Its `nextAttemptAt` says when
   * the caller's backoff lets it go; later entries of the issuer wait behind it (order per issuer).
   */
  next(issuer: string): SafDelivery | null {
    const entry = this.#table.head(issuer);
    return entry === null ? null : deliveryOf(frozen(entry), entry.state === 'sent');
  }

  /**
   * Queues `advice`; resolves with its id once its line is on disk (fdatasync). The switch answers
   * the terminal only after that. DE 2 and the `sensitive` DEs are sealed (AES-256-GCM) on disk.
   * @throws (rejects) SafError SAF_FORBIDDEN_FIELD, SAF_BAD_ENTRY for a bad advice,
   *   SAF_WRITE_FAILED when its batch could not be written, SAF_CLOSED after close().
   */
  enqueue(advice: SafAdvice): Promise<number> {
    if (this.#isClosed) return closed();
    let sensitive: number[];
    try {
      sensitive = checkAdvice(advice);
    } catch (err) {
      return Promise.reject(err);
    }
    const id = this.#table.nextId;
    const now = this.#o.nowMs();
    // Frozen: the entries handed out share them, and none may change what the queue will send.
    const fields: Record<number, string> = Object.freeze({ ...advice.fields });
    const toSeal: Record<number, string> = {};
    for (const de of sensitive) toSeal[de] = fields[de];
    const entry: HeldEntry = {
      id, issuer: advice.issuer, traceparent: advice.traceparent, mti: advice.mti, fields, sensitive: Object.freeze(sensitive), reason: advice.reason,
      createdAt: advice.createdAt ?? now, state: 'queued', attempts: 0, lastAttemptAt: null, nextAttemptAt: now,
    };
    const slot = { entry, sealed: sensitive.length === 0 ? null : sealFields(this.#key, id, advice.issuer, toSeal) };
    this.#table.add(slot);
    return this.#queue.push({ line: lineOf(entryEventOf(slot)), queuedId: id }).then(() => id);
  }

  /**
   * Records that entry `id` is being sent, durably BEFORE the caller sends it, so that after a
   * crash it goes out again only as a repeat. Counts the attempt and sets the next one's time
   * (retryInitialMs doubling up to retryMaxMs). Resolves with what to send: `0420` if this is its
   * first send, else `0421`.
   * @throws (rejects) SafError SAF_ENTRY_NOT_FOUND, SAF_WRITE_FAILED, SAF_CLOSED.
   */
  markSent(id: number): Promise<SafDelivery> {
    const entry = this.#owed(id);
    if (entry === null) return this.#notOwed(id);
    const isRepeat = entry.state === 'sent';
    const at = this.#o.nowMs();
    return this.#change({ ev: 'sent', id, at, next: at + backoffMs(this.#o, entry.attempts + 1) }).then((e) => deliveryOf(e, isRepeat));
  }

  /**
   * The issuer answered (0430): entry `id` is no longer owed. Resolves, once that is on disk, with
   * the entry (state `acknowledged`), for the caller's audit record.
   * @throws (rejects) SafError SAF_ENTRY_NOT_FOUND, SAF_WRITE_FAILED, SAF_CLOSED.
   */
  acknowledge(id: number): Promise<SafEntry> {
    if (this.#owed(id) === null) return this.#notOwed(id);
    return this.#change({ ev: 'acknowledged', id, at: this.#o.nowMs() });
  }

  /** Makes entry `id` due now (clears its backoff). @throws (rejects) as acknowledge. */
  retry(id: number): Promise<SafEntry> {
    if (this.#owed(id) === null) return this.#notOwed(id);
    return this.#change({ ev: 'retry', id, at: this.#o.nowMs() });
  }

  /** Makes every entry owed (to `issuer`, when given) due now; resolves with how many. @throws (rejects) SAF_WRITE_FAILED, SAF_CLOSED. */
  async retryAll(issuer?: string): Promise<number> {
    const ids = this.#table.entries(issuer).map((e) => e.id);
    await Promise.all(ids.map((id) => this.retry(id)));
    return ids.length;
  }

  /**
   * Drops entry `id` unsent: the issuer will never get it. Logged (`saf.purged`, warn) with `by`,
   * who asked, which the log line keeps too. @throws (rejects) as acknowledge.
   */
  purge(id: number, by: string): Promise<SafEntry> {
    const entry = this.#owed(id);
    if (entry === null) return this.#notOwed(id);
    this.#o.logger.warn({ evt: 'saf.purged', id, issuer: entry.issuer, state: entry.state, attempts: entry.attempts, reason: entry.reason, by }, 'saf entry purged: the issuer will not get it');
    return this.#change({ ev: 'purged', id, at: this.#o.nowMs(), by });
  }

  /** Writes what is queued, closes the log and releases the lock. Later calls reject with SAF_CLOSED. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#isClosed = true;
    try {
      await this.#queue.drain();
      await this.#log.close();
    } finally {
      this.#lock.release();
      this.#o.logger.info({ evt: 'saf.closed', dir: this.dir, owed: this.size }, 'saf queue closed');
    }
  }

  #owed(id: number): HeldEntry | null {
    return this.#isClosed ? null : this.#table.get(id)?.entry ?? null;
  }

  #notOwed(id: number): Promise<never> {
    if (this.#isClosed) return closed();
    return Promise.reject(new SafError('SAF_ENTRY_NOT_FOUND', `no entry ${id} is owed in ${this.dir}`));
  }

  /** Applies `change` now and resolves with the entry once its line is on disk. */
  #change(change: ChangeEvent): Promise<SafEntry> {
    const entry = frozen(this.#table.apply(change)!);
    return this.#queue.push({ line: lineOf(change), queuedId: 0 }).then(() => entry);
  }

  #compactIfDue(): Promise<void> | undefined {
    return this.#shouldCompact() ? this.#compact().catch(this.#compactFailed) : undefined;
  }

  async #commit(items: Pending[]): Promise<void> {
    let text = '';
    for (let i = 0; i < items.length; i++) text += items[i].line;
    try {
      await this.#log.append(text, items.length);
    } catch (err) {
      throw this.#failed(err, items);
    }
  }

  /** A failed batch: its new entries leave the table again (their callers are refused), logged. */
  #failed(err: unknown, items: Pending[]): SafError {
    for (const item of items) if (item.queuedId > 0) this.#table.drop(item.queuedId);
    const errno = systemCode(err);
    const { path, op } = this.#log;
    this.#o.logger.error({ evt: 'saf.write_failed', file: path, events: items.length, err: { code: 'SAF_WRITE_FAILED', errno, syscall: op } }, 'SAF WRITE FAILED: events not on disk');
    return new SafError('SAF_WRITE_FAILED', `${path}: ${op} failed (${errno}); ${plural(items.length, 'saf event')} not written`, { cause: err });
  }

  /** Nothing owed and history on file, or past compactAtBytes with over half the lines history. */
  #shouldCompact(): boolean {
    const log = this.#log;
    if (!this.#canCompact || log.events === 0) return false;
    return this.#table.size === 0 || (log.bytes >= this.#o.compactAtBytes && log.events > 2 * this.#table.size);
  }

  async #compact(): Promise<void> {
    const before = this.#log.bytes;
    await this.#log.replaceWith(snapshotText(this.#table), this.#table.size);
    this.#o.logger.debug({ evt: 'saf.compacted', file: this.#log.path, bytesBefore: before, bytes: this.#log.bytes, owed: this.#table.size }, 'saf log compacted');
  }

  readonly #compactFailed = (err: unknown): void => {
    // The old log is whole and appends go on: only its size stops shrinking, until a restart.
    this.#canCompact = false;
    this.#o.logger.error({ evt: 'saf.compaction_failed', file: this.#log.path, err: { code: 'SAF_WRITE_FAILED', errno: systemCode(err) } }, 'saf log not compacted; it keeps growing until restart');
  };
}

function closed(): Promise<never> {
  return Promise.reject(new SafError('SAF_CLOSED', 'the saf queue is closed'));
}
