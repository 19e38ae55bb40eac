// AuditLock: one writer per audit directory, so that two switches never extend one hash chain. A
// `LOCK` file (pid, host, boot, start time) is created with O_EXCL; a lock whose process is gone on
// this host, or was taken before its last reboot, is taken over. Readers (audit list, verify, show)
// never lock. Another durable directory (the store-and-forward queue) takes it with its own words
// and codes (a LockOwner). Synchronous: start-up only.

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { NOOP_LOGGER, type Logger, type SwitchError } from '../common/index.js';
import { AuditError, systemCode } from './errors.js';
import { makeDirectory } from './make-directory.js';

/** The lock file's name in the audit directory; never an audit file name, so readers skip it. */
export const LOCK_FILE = 'LOCK';

/** What a lock file holds, one JSON line. */
export interface AuditLockHolder {
  pid: number;
  host: string;
  /** The host's boot id (Linux), so that a lock from before a reboot is not mistaken for a live pid; null elsewhere. */
  bootId: string | null;
  /** ISO 8601 UTC time the holder took the lock. */
  startedAt: string;
}

/** Whose directory a lock guards: the words of its messages and the errors it throws. */
export interface LockOwner {
  /** What the directory is, as messages name it: `audit directory`. */
  readonly noun: string;
  /** The `evt` logged when a lock of an ended process is taken over. */
  readonly takeOverEvt: string;
  /** The error to throw: `locked` (someone holds it) or `open` (the directory or lock file cannot be made). */
  error(kind: 'locked' | 'open', message: string, cause?: unknown): SwitchError;
}

/** The audit writer's: AUDIT_LOCKED and AUDIT_OPEN_FAILED. */
export const AUDIT_LOCK_OWNER: LockOwner = Object.freeze({
  noun: 'audit directory',
  takeOverEvt: 'audit.lock_taken_over',
  error: (kind: 'locked' | 'open', message: string, cause?: unknown) => new AuditError(kind === 'locked' ? 'AUDIT_LOCKED' : 'AUDIT_OPEN_FAILED', message, { cause }),
});

/** The kernel's id of this boot (Linux); null where there is none. */
function readBootId(): string | null {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || null;
}

export class AuditLock {
  /** The lock file's path. */
  readonly path: string;
  readonly #text: string;
  #isHeld = true;

  private constructor(path: string, text: string) {
    this.path = path;
    this.#text = text;
  }

  /**
   * Creates `dir` when missing and takes its lock. A lock left by a process that no longer runs on
   * this host is taken over, logged as `audit.lock_taken_over` (warn).
   * @throws AuditError (`owner`'s errors) AUDIT_LOCKED when a running process (or one on another
   *   host) holds it, or the lock file is unreadable; AUDIT_OPEN_FAILED when `dir` is not a
   *   directory or cannot be made.
   */
  static acquire(dir: string, logger: Logger = NOOP_LOGGER, owner: LockOwner = AUDIT_LOCK_OWNER): AuditLock {
    const what = `${owner.noun} ${dir}`;
    try {
      makeDirectory(dir);
    } catch (err) {
      const code = systemCode(err);
      const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'is not a directory' : `cannot be created (${code})`;
      throw owner.error('open', `${what} ${why}`, err);
    }
    const path = join(dir, LOCK_FILE);
    const me: AuditLockHolder = { pid: process.pid, host: hostname(), bootId: readBootId(), startedAt: new Date().toISOString() };
    const text = `${JSON.stringify(me)}\n`;
    // Two rounds: the second follows a take-over, or a holder that let go while we looked.
    for (let round = 0; round < 2; round++) {
      if (createExclusive(path, text, what, owner)) return new AuditLock(path, text);
      const seen = readText(path);
      if (seen === null) continue;
      const holder = parseHolder(seen);
      if (holder === null) throw owner.error('locked', `${what} has a lock file naming no process; remove ${path} if no switch uses the directory`);
      if (!isStale(holder, me.bootId)) throw owner.error('locked', `${what} is in use by pid ${holder.pid}${holder.host === me.host ? '' : ` on host ${holder.host}`} (since ${holder.startedAt})`);
      // Remove only the lock just read: another starter may have taken it over meanwhile.
      if (readText(path) !== seen) continue;
      unlinkSync(path);
      logger.warn({ evt: owner.takeOverEvt, dir, pid: holder.pid, startedAt: holder.startedAt }, `${owner.noun} lock of a process that has ended taken over`);
    }
    throw owner.error('locked', `${what} is in use (its lock changed hands while starting)`);
  }

  /** Removes the lock file if it is still ours; safe to call twice, and from a process 'exit' handler. */
  release(): void {
    if (!this.#isHeld) return;
    this.#isHeld = false;
    if (readText(this.path) === this.#text) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone: nothing to release
      }
    }
  }
}

/** True when the lock was created with `text`; false when a lock file exists already. */
function createExclusive(path: string, text: string, what: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (err) {
    if (systemCode(err) === 'EEXIST') return false;
    throw owner.error('open', `${what}: cannot create its lock file (${systemCode(err)})`, err);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function parseHolder(text: string): AuditLockHolder | null {
  try {
    const h = JSON.parse(text) as Partial<AuditLockHolder>;
    if (Number.isInteger(h.pid) && (h.pid as number) > 0 && typeof h.host === 'string' && typeof h.startedAt === 'string') return h as AuditLockHolder;
  } catch {
    // not JSON: below
  }
  return null;
}

/**
 * A holder on this host whose process has ended: it ran before the last reboot (after a crash its
 * pid may now be another program's), or signal 0 finds no such process.
 */
function isStale(holder: AuditLockHolder, bootId: string | null): boolean {
  if (holder.host !== hostname() || holder.pid === process.pid) return false;
  if (typeof holder.bootId === 'string' && bootId !== null && holder.bootId !== bootId) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return systemCode(err) === 'ESRCH';
  }
}
