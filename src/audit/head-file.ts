// HeadFile: the writer's handle on audit.head: opened once, overwritten in place after each synced
// batch (one 256-byte pwrite, no sync), synced at open and close. A failed update is logged and
// counted, never thrown: the batch it follows is on disk.

import { join } from 'node:path';
import type { Logger } from '../common/index.js';
import type { AuditFs } from './audit-fs.js';
import type { Digest } from './chain.js';
import { systemCode } from './errors.js';
import { formatHead, HEAD_BYTES, HEAD_FILE, type SealedHead } from './head.js';

export class HeadFile {
  readonly #fs: AuditFs;
  readonly #path: string;
  readonly #digest: Digest;
  readonly #logger: Logger;
  /** The file's bytes, reused by every update. */
  readonly #out = Buffer.alloc(HEAD_BYTES);
  #fd = -1;
  /** Updates that failed (each logged as audit.head_write_failed). */
  failures = 0;

  constructor(fs: AuditFs, dir: string, digest: Digest, logger: Logger) {
    this.#fs = fs;
    this.#path = join(dir, HEAD_FILE);
    this.#digest = digest;
    this.#logger = logger;
  }

  /**
   * Opens audit.head (created when missing) and seals `head` in it, synced: after a crash the
   * head was behind the log, and from here on it is not.
   * @throws the system error of the open or the sync.
   */
  async open(head: SealedHead): Promise<void> {
    this.#fd = await this.#fs.openInPlace(this.#path);
    await this.seal(head);
    await this.#fs.datasync(this.#fd);
  }

  /**
   * Overwrites the head with `head`, after its batch is synced, not synced itself: a head lost in a
   * crash is behind the log, never ahead, and the next open seals it again.
   */
  async seal(head: SealedHead): Promise<void> {
    try {
      await this.#fs.writeAt(this.#fd, formatHead(head, this.#digest, this.#out), 0);
    } catch (err) {
      this.failures++;
      this.#logger.error({ evt: 'audit.head_write_failed', file: this.#path, err: { code: 'AUDIT_WRITE_FAILED', errno: systemCode(err) } }, 'sealed audit head not updated');
    }
  }

  /** Syncs and closes; never throws. */
  async close(): Promise<void> {
    const fd = this.#fd;
    this.#fd = -1;
    if (fd < 0) return;
    await this.#fs.datasync(fd).catch(() => {});
    await this.#fs.close(fd).catch(() => {});
  }
}
