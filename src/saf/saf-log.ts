// SafLog: the `saf.log` file the queue owns: its fd, its known end and event count, batches
// appended durably (a failed batch's leftovers cut first), and compaction: the snapshot written to
// `saf.log.tmp`, synced, renamed over the log and the directory synced, so a crash leaves the old
// log or the new one, never a mix. Knows lines, not what they mean.

import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { appendSynced, systemCode, type AuditFs } from '../audit/index.js';
import { LOG_FILE } from './log-lines.js';

/** The temporary file of a compaction; one left by a crash is deleted at open. */
export const SNAPSHOT_FILE = `${LOG_FILE}.tmp`;

export class SafLog {
  readonly dir: string;
  readonly path: string;
  /** The log's size as far as it is on disk. */
  bytes: number;
  /** Event lines after the header: what a compaction would shrink. */
  events: number;
  readonly #fs: AuditFs;
  #fd = -1;
  /** A failed batch may have left bytes past `bytes`; cut them before the next write. */
  #isDirty = false;
  #op = 'open';

  /** The log of `dir`, `bytes` long with `events` event lines (as replay found it); opened at the first write. */
  constructor(dir: string, fs: AuditFs, bytes: number, events: number) {
    this.dir = dir;
    this.path = join(dir, LOG_FILE);
    this.#fs = fs;
    this.bytes = bytes;
    this.events = events;
  }

  /** The fs call in progress or last failed (`open`, `write`, `fdatasync`, ...), for error text. */
  get op(): string {
    return this.#op;
  }

  /**
   * Appends `text` (`lines` event lines) and fdatasyncs it.
   * @throws the system error of the failed call (`op` names it); the file is cut back at the next append.
   */
  async append(text: string, lines: number): Promise<void> {
    const data = Buffer.from(text, 'utf8');
    if (this.#fd < 0) await this.#open();
    const wasDirty = this.#isDirty;
    this.#isDirty = true;
    await appendSynced(this.#fs, this.#fd, data, this.bytes, wasDirty, this.#step);
    this.#isDirty = false;
    this.bytes += data.length;
    this.events += lines;
  }

  /**
   * Replaces the log by `text` (header and `events` entry lines), atomically, and appends to the
   * new file from then on. Until the rename nothing has changed should a call fail.
   * @throws the system error of the failed call.
   */
  async replaceWith(text: string, events: number): Promise<void> {
    const tmp = join(this.dir, SNAPSHOT_FILE);
    await rm(tmp, { force: true });
    const data = Buffer.from(text, 'utf8');
    const fd = await this.#fs.openAppend(tmp);
    try {
      await this.#fs.write(fd, data);
      await this.#fs.datasync(fd);
    } finally {
      await this.#fs.close(fd);
    }
    await rename(tmp, this.path);
    // The log is the snapshot now, whatever fails below: appends must go to it, not to the old file.
    const old = this.#fd;
    this.#fd = -1;
    this.#isDirty = false;
    this.bytes = data.length;
    this.events = events;
    if (old >= 0) await this.#fs.close(old).catch(() => {});
    await this.#fs.syncDir(this.dir);
    await this.#open();
  }

  /** Cuts what a failed batch left and closes the file. */
  async close(): Promise<void> {
    const fd = this.#fd;
    this.#fd = -1;
    if (fd < 0) return;
    if (this.#isDirty) await this.#fs.truncate(fd, this.bytes);
    await this.#fs.close(fd);
  }

  readonly #step = (op: string): void => {
    this.#op = op;
  };

  async #open(): Promise<void> {
    this.#op = 'open';
    this.#fd = await this.#fs.openAppend(this.path);
  }
}

/** The log's bytes; none when it does not exist yet. */
export async function readLog(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    if (systemCode(err) === 'ENOENT') return Buffer.alloc(0);
    throw err;
  }
}
