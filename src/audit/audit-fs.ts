// AuditFs: the few file calls the writer's append path makes, on explicit fds, so tests can count
// syncs, hold one back or make the disk fail. NODE_AUDIT_FS is the real one (libuv thread pool,
// never blocking the event loop); NODE_AUDIT_FS_SYNC the same calls made synchronously, for the
// journal thread.

import { close, closeSync, constants, fdatasync, fdatasyncSync, fsync, fsyncSync, ftruncate, ftruncateSync, open, openSync, write, writeSync } from 'node:fs';
import { promisify } from 'node:util';

export interface AuditFs {
  /** Opens `path` for appending (O_APPEND, created 0o640 when missing); resolves with the fd. */
  openAppend(path: string): Promise<number>;
  /** Writes all of `data` at the end of the file, looping over short writes. The writer reuses `data` once this settles. */
  write(fd: number, data: Buffer): Promise<void>;
  /** fdatasync: the data and the size that reaches it are on disk. */
  datasync(fd: number): Promise<void>;
  /** Cuts the file back to `bytes` (drops a batch that failed half-way). */
  truncate(fd: number, bytes: number): Promise<void>;
  close(fd: number): Promise<void>;
  /** fsyncs the directory, so a newly created file's name survives a crash. */
  syncDir(dir: string): Promise<void>;
  /** Opens `path` for writing in place (created 0o640 when missing, never truncated); resolves with the fd. */
  openInPlace(path: string): Promise<number>;
  /** Writes all of `data` at byte `position` (pwrite): the sealed head's fixed-size overwrite. */
  writeAt(fd: number, data: Buffer, position: number): Promise<void>;
}

/** Read-write, created when missing, not truncated: for an overwrite in place. */
const IN_PLACE = constants.O_RDWR | constants.O_CREAT;

const openAsync = promisify(open);
const writeAsync = promisify(write);
const closeAsync = promisify(close);

export const NODE_AUDIT_FS: AuditFs = Object.freeze({
  openAppend: (path: string) => openAsync(path, 'a', 0o640),
  async write(fd: number, data: Buffer): Promise<void> {
    let at = 0;
    while (at < data.length) {
      const { bytesWritten } = await writeAsync(fd, data, at, data.length - at, null);
      at += bytesWritten;
    }
  },
  datasync: promisify(fdatasync),
  truncate: promisify(ftruncate) as (fd: number, bytes: number) => Promise<void>,
  close: closeAsync,
  async syncDir(dir: string): Promise<void> {
    const fd = await openAsync(dir, 'r');
    try {
      await promisify(fsync)(fd);
    } finally {
      await closeAsync(fd);
    }
  },
  openInPlace: (path: string) => openAsync(path, IN_PLACE, 0o640),
  async writeAt(fd: number, data: Buffer, position: number): Promise<void> {
    for (let at = 0; at < data.length;) at += (await writeAsync(fd, data, at, data.length - at, position + at)).bytesWritten;
  },
});

/** Runs `fn` at once; its result or throw as a settled promise. */
async function settled<T>(fn: () => T): Promise<T> {
  return fn();
}

/**
 * The same calls made synchronously, for a thread that does nothing but write the audit log: no
 * hop to the libuv thread pool and back per write and per sync. Blocks its thread while the disk
 * works; appends that arrive meanwhile form the next batch.
 */
export const NODE_AUDIT_FS_SYNC: AuditFs = Object.freeze({
  openAppend: (path: string) => settled(() => openSync(path, 'a', 0o640)),
  write: (fd: number, data: Buffer) => settled(() => {
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at, null);
  }),
  datasync: (fd: number) => settled(() => fdatasyncSync(fd)),
  truncate: (fd: number, bytes: number) => settled(() => ftruncateSync(fd, bytes)),
  close: (fd: number) => settled(() => closeSync(fd)),
  syncDir: (dir: string) => settled(() => {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }),
  openInPlace: (path: string) => settled(() => openSync(path, IN_PLACE, 0o640)),
  writeAt: (fd: number, data: Buffer, position: number) => settled(() => {
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at, position + at);
  }),
});
