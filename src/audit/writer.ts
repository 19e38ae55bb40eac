// AuditWriter: appends sealed records (prev + hash) to the audit log with group commit: whatever
// is appended while one write + fdatasync is in flight goes out as the next batch, in one write and
// one sync. Rotates by size and UTC day; the chain runs on across files. Never logs record contents.

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { plural } from '../common/index.js';
import { appendSynced } from './append-synced.js';
import { chainDigest, chainMarkText, hashOfSealed, sealedBytesMax, sealInto, type Digest } from './chain.js';
import { GroupCommit } from './group-commit.js';
import { AuditError, systemCode } from './errors.js';
import { auditFileName, listAuditFiles, nextDayStartMs, utcDay, type AuditFileName } from './files.js';
import { HeadFile } from './head-file.js';
import { readHead, recordsAtOpen, type SealedHead } from './head.js';
import { makeDirectory } from './make-directory.js';
import { openChainTail, type ChainTail } from './repair.js';
import { applyRetention } from './retention.js';
import { resolveAuditWriterOptions, type AuditWriterOptions } from './writer-options.js';

export interface AuditWriterStats {
  /** Records on disk (written and synced) since open. */
  records: number;
  /** Write + fdatasync pairs. */
  batches: number;
  /** records / batches: how much group commit saved. */
  recordsPerBatch: number;
  /** Batches that failed (each logged as audit.write_failed). */
  failures: number;
  /** Records of failed batches: rejected in strict mode, lost in async mode. */
  recordsFailed: number;
  /** Torn last lines set aside at open. */
  tornLinesRepaired: number;
  /** Updates of the sealed head (audit.head) that failed (each logged as audit.head_write_failed). */
  headFailures: number;
}

const noop = (): void => {};

function badRecord(detail: string, cause?: unknown): Promise<never> {
  return Promise.reject(new AuditError('AUDIT_BAD_RECORD', `audit record ${detail}`, { cause }));
}

export class AuditWriter {
  readonly #o: Readonly<Required<AuditWriterOptions>>;
  readonly #digest: Digest;
  #fd = -1;
  #file: AuditFileName;
  #fileBytes: number;
  #isFileNew: boolean;
  #dayEndsAtMs: number;
  /** Hash of the last record on disk. */
  #head: string;
  /** A failed batch may have left bytes past #fileBytes; cut them before the next write. */
  #isDirty = false;
  #isFailing = false;
  /** The fs call in progress, for the error text. */
  #op = 'open';
  /** Records waiting for the next batch; it also applies the mode (strict: append waits for the batch). */
  readonly #queue: GroupCommit<string>;
  /** Where a batch's lines are sealed and written from; one batch at a time uses it. */
  #out = Buffer.alloc(0);
  #isClosed = false;
  #closing: Promise<void> | null = null;
  readonly #counts = { records: 0, batches: 0, failures: 0, recordsFailed: 0, tornLinesRepaired: 0 };
  /** Records in the chain since its first ever: what the sealed head and each file's chain mark count. */
  #total: number;
  readonly #headFile: HeadFile;

  private constructor(o: Readonly<Required<AuditWriterOptions>>, tail: ChainTail, total: number) {
    this.#o = o;
    this.#digest = chainDigest(o.key);
    this.#queue = new GroupCommit({ mode: o.mode, commit: (bodies) => this.#commit(bodies) });
    const day = utcDay(o.nowMs());
    this.#file = tail.newest ?? { name: auditFileName(day, 1), day, seq: 1 };
    this.#fileBytes = tail.newestBytes;
    this.#isFileNew = tail.newest === null;
    this.#dayEndsAtMs = nextDayStartMs(this.#file.day);
    this.#head = tail.head;
    this.#counts.tornLinesRepaired = tail.tornLines;
    this.#total = total;
    this.#headFile = new HeadFile(o.fs, o.dir, this.#digest, o.logger);
  }

  /**
   * Creates the directory, finds the end of the chain, repairs a torn last line and opens the
   * newest file (or the first one) for appending.
   * @throws ConfigError for a bad option; AuditError AUDIT_OPEN_FAILED when the directory or file
   *   cannot be made or opened, AUDIT_BAD_RECORD when the log ends in a line that is not a record.
   */
  static async open(options: AuditWriterOptions): Promise<AuditWriter> {
    const o = resolveAuditWriterOptions(options);
    let writer: AuditWriter;
    try {
      makeDirectory(o.dir);
      const tail = await openChainTail({ dir: o.dir, logger: o.logger, nowMs: o.nowMs, fs: o.fs });
      const total = await recordsAtOpen(o.dir, await listAuditFiles(o.dir), await readHead(o.dir));
      writer = new AuditWriter(o, tail, total);
      await writer.#openFile();
      await writer.#headFile.open(writer.#sealed());
      await writer.#retain();
    } catch (err) {
      if (err instanceof AuditError) throw err;
      throw new AuditError('AUDIT_OPEN_FAILED', `${o.dir}: cannot open the audit log (${systemCode(err)})`, { cause: err });
    }
    o.logger.info({ evt: 'audit.opened', dir: o.dir, file: writer.#file.name, mode: o.mode, isKeyed: o.key !== null }, 'audit log open');
    return writer;
  }

  /** Counters since open. */
  get stats(): AuditWriterStats {
    const c = this.#counts;
    return { ...c, recordsPerBatch: c.batches === 0 ? 0 : c.records / c.batches, headFailures: this.#headFile.failures };
  }

  /** Hash of the last record on disk: an anchor to compare a later verify against (the chain alone cannot show a cut-off tail). */
  get head(): string {
    return this.#head;
  }

  /**
   * HOT: queues `record` for the next batch. An object is serialized here, its keys in their
   * order; a string must be the JSON text of one object (the switch builds its records as text),
   * taken as is. `prev` and `hash` follow the record's own keys. Strict mode: resolves once the
   * record is on disk. Async mode: resolves at once; a failed batch is logged and counted.
   * @throws (rejects) AuditError AUDIT_WRITE_FAILED when its batch could not be written or synced
   *   (strict mode), AUDIT_BAD_RECORD for a record that is not a JSON object or holds `prev`,
   *   `hash` or `chain` (checked for objects only), AUDIT_CLOSED after close().
   */
  append(record: Record<string, unknown> | string): Promise<void> {
    if (this.#isClosed) return Promise.reject(new AuditError('AUDIT_CLOSED', 'the audit writer is closed'));
    let body: string;
    if (typeof record === 'string') {
      body = record;
      if (body.charCodeAt(body.length - 1) !== 0x7d) return badRecord('text must be one JSON object');
    } else {
      if (typeof record !== 'object' || record === null || Object.hasOwn(record, 'prev') || Object.hasOwn(record, 'hash') || Object.hasOwn(record, 'chain')) {
        return badRecord('must be an object without the keys prev, hash and chain');
      }
      try {
        body = JSON.stringify(record);
      } catch (err) {
        return badRecord('cannot be serialized as JSON', err);
      }
    }
    if (body.charCodeAt(0) !== 0x7b) return badRecord('does not serialize to a JSON object');
    return this.#queue.push(body);
  }

  /**
   * The fate of the records appended and not yet in a batch in flight, in either mode: resolves
   * once they are on disk; rejects as a strict append would (async mode logs and counts it too).
   */
  whenWritten(): Promise<void> {
    return this.#queue.whenCommitted();
  }

  /**
   * Writes and syncs everything appended, then closes the file. Later appends reject.
   * @throws AuditError AUDIT_WRITE_FAILED when the last batches could not be written.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#isClosed = true;
    const failed = await this.#queue.drain();
    const fd = this.#fd;
    this.#fd = -1;
    if (fd >= 0) {
      if (this.#isDirty) await this.#o.fs.truncate(fd, this.#fileBytes).catch(noop);
      await this.#o.fs.close(fd).catch(noop);
    }
    await this.#headFile.close();
    this.#o.logger.info({ evt: 'audit.closed', file: this.#file.name, ...this.stats, head: this.#head }, 'audit log closed');
    if (failed !== null) throw failed;
  }

  /**
   * Seals `bodies` onto the chain and writes them: one write + sync per file they land in. A group
   * split by a rotation settles as a whole: should its second part fail, it rejects though its
   * first part is on disk (an RC 96 with a record, never an answer without one).
   */
  async #commit(bodies: string[]): Promise<void> {
    let written = 0;
    try {
      if (this.#o.nowMs() >= this.#dayEndsAtMs) await this.#rotate();
      const out = this.#room(bodies);
      let head = this.#head;
      let from = 0;
      let at = 0;
      let count = 0;
      for (let i = 0; i < bodies.length; i++) {
        // Hashing here, not in append(): a failed batch leaves the chain at the last synced record.
        const used = this.#fileBytes + (at - from);
        let end = sealInto(out, at, bodies[i], head, this.#digest, used === 0 ? this.#mark() : '');
        if (used > 0 && used + (end - at) > this.#o.maxFileBytes) {
          if (count > 0) await this.#writeBatch(out.subarray(from, at), count, head);
          written += count;
          await this.#rotate();
          from = at;
          count = 0;
          // The first record of the new file: sealed again, with the file's chain mark.
          end = sealInto(out, at, bodies[i], head, this.#digest, this.#mark());
        }
        count++;
        at = end;
        head = hashOfSealed(out, end);
      }
      await this.#writeBatch(out.subarray(from, at), count, head);
    } catch (err) {
      throw this.#failed(err, bodies.length - written);
    }
  }

  /** A buffer with room for `bodies` sealed: the writer's own, grown when a batch needs more. */
  #room(bodies: string[]): Buffer {
    let bytes = 0;
    for (let i = 0; i < bodies.length; i++) bytes += sealedBytesMax(bodies[i]);
    if (this.#out.length < bytes) this.#out = Buffer.allocUnsafe(Math.max(bytes, 2 * this.#out.length));
    return this.#out;
  }

  async #writeBatch(data: Buffer, count: number, head: string): Promise<void> {
    if (this.#fd < 0) await this.#openFile();
    const wasDirty = this.#isDirty;
    this.#isDirty = true;
    const stats = this.#o.batchStats;
    const startedAt = stats === null ? 0 : performance.now();
    await appendSynced(this.#o.fs, this.#fd, data, this.#fileBytes, wasDirty, this.#step);
    if (stats !== null) stats.written(count, (performance.now() - startedAt) / 1000);
    this.#isDirty = false;
    this.#fileBytes += data.length;
    this.#head = head;
    this.#total += count;
    this.#counts.records += count;
    this.#counts.batches++;
    await this.#headFile.seal(this.#sealed());
    if (this.#isFailing) {
      this.#isFailing = false;
      this.#o.logger.warn({ evt: 'audit.write_recovered', file: this.#path() }, 'audit writes succeed again');
    }
  }

  readonly #step = (op: string): void => {
    this.#op = op;
  };

  async #openFile(): Promise<void> {
    this.#op = 'open';
    this.#fd = await this.#o.fs.openAppend(this.#path());
    if (this.#isFileNew) {
      this.#op = 'fsync of the directory';
      await this.#o.fs.syncDir(this.#o.dir);
      this.#isFileNew = false;
    }
  }

  /** The chain mark of a file's first record: whether the log is keyed, which file, how many records came before. */
  #mark(): string {
    return chainMarkText({ keyed: this.#o.key !== null, file: this.#file.seq, records_before: this.#total });
  }

  /** The chain's end as the sealed head states it. */
  #sealed(): SealedHead {
    return { keyed: this.#o.key !== null, records: this.#total, head: this.#head, file: this.#file.name, bytes: this.#fileBytes };
  }

  /** Moves on to the next file; it is created at the next write. */
  async #rotate(): Promise<void> {
    const fs = this.#o.fs;
    if (this.#fd >= 0) {
      const fd = this.#fd;
      if (this.#isDirty) {
        this.#op = 'ftruncate';
        await fs.truncate(fd, this.#fileBytes);
        this.#isDirty = false;
      }
      this.#fd = -1;
      this.#op = 'close';
      await fs.close(fd);
    }
    // Never back to an earlier day, should the wall clock step back: names stay in chain order.
    const day = Math.max(utcDay(this.#o.nowMs()), this.#file.day);
    const seq = this.#file.seq + 1;
    this.#file = { name: auditFileName(day, seq), day, seq };
    this.#fileBytes = 0;
    this.#isFileNew = true;
    this.#dayEndsAtMs = nextDayStartMs(day);
    await this.#retain();
  }

  /** Deletes old rotated files as retentionDays and retentionBytes say; a failure is logged, not the batch's. */
  async #retain(): Promise<void> {
    const o = this.#o;
    try {
      await applyRetention(o.dir, this.#file.seq, o, { nowMs: o.nowMs(), logger: o.logger, fs: o.fs });
    } catch (err) {
      o.logger.warn({ evt: 'audit.retention_failed', dir: o.dir, err: { code: 'AUDIT_WRITE_FAILED', errno: systemCode(err) } }, 'old audit files not deleted');
    }
  }

  #path(): string {
    return join(this.#o.dir, this.#file.name);
  }

  #failed(err: unknown, records: number): AuditError {
    const errno = systemCode(err);
    const error = new AuditError('AUDIT_WRITE_FAILED', `${this.#path()}: ${this.#op} failed (${errno}); ${plural(records, 'audit record')} not written`, { cause: err });
    this.#counts.failures++;
    this.#counts.recordsFailed += records;
    this.#o.batchStats?.failed();
    this.#isFailing = true;
    const logged = { code: error.code, errno, syscall: this.#op };
    this.#o.logger.error({ evt: 'audit.write_failed', file: this.#path(), records, mode: this.#o.mode, err: logged }, 'AUDIT WRITE FAILED: records not on disk');
    return error;
  }
}
