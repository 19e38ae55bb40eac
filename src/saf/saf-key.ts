// The queue's key: `saf.key` in the saf directory, 32 random bytes, mode 0600, created on the
// first open by the queue's owner. Readers (saf list, show) read it and never create it. Never
// logged, never printed. Synchronous: start-up only.

import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { systemCode } from '../audit/index.js';
import { SafError } from './errors.js';

export const KEY_FILE = 'saf.key';
export const KEY_BYTES = 32;

/** The key of `dir`, created when missing (0600, synced with the directory). @throws SafError SAF_KEY_INVALID, SAF_OPEN_FAILED. */
export function openSafKey(dir: string): Buffer {
  return readSafKey(dir) ?? createKey(dir);
}

/**
 * The key of `dir`, or null when it has none.
 * @throws SafError SAF_KEY_INVALID when it is not 32 bytes or group/other may read it,
 *   SAF_OPEN_FAILED when it cannot be read.
 */
export function readSafKey(dir: string): Buffer | null {
  return readKeyAt(join(dir, KEY_FILE));
}

/**
 * The key in file `path` (the PostgreSQL store's queue: the same file on every node), checked as
 * saf.key is.
 * @throws SafError SAF_KEY_MISSING when there is no such file; as readSafKey otherwise.
 */
export function readSafKeyFile(path: string): Buffer {
  const key = readKeyAt(path);
  if (key === null) throw new SafError('SAF_KEY_MISSING', `${path}: no saf key there (make one: head -c ${KEY_BYTES} /dev/urandom > ${path}; chmod 600 ${path})`);
  return key;
}

function readKeyAt(path: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (systemCode(err) === 'ENOENT') return null;
    throw new SafError('SAF_OPEN_FAILED', `${path}: cannot read the saf key (${systemCode(err)})`, { cause: err });
  }
  try {
    const stat = fstatSync(fd);
    if ((stat.mode & 0o077) !== 0) throw new SafError('SAF_KEY_INVALID', `${path} may be read by other users (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`);
    if (stat.size !== KEY_BYTES) throw new SafError('SAF_KEY_INVALID', `${path} holds ${stat.size} bytes, not ${KEY_BYTES}`);
    const key = Buffer.alloc(KEY_BYTES);
    for (let at = 0; at < KEY_BYTES;) {
      const n = readSync(fd, key, at, KEY_BYTES - at, at);
      if (n === 0) throw new SafError('SAF_KEY_INVALID', `${path} ends after ${at} bytes, not ${KEY_BYTES}`);
      at += n;
    }
    return key;
  } finally {
    closeSync(fd);
  }
}

function createKey(dir: string): Buffer {
  const path = join(dir, KEY_FILE);
  const key = randomBytes(KEY_BYTES);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    // Another starter made it between our look and now: the lock makes that rare; use theirs.
    if (systemCode(err) === 'EEXIST') return openSafKey(dir);
    throw new SafError('SAF_OPEN_FAILED', `${path}: cannot create the saf key (${systemCode(err)})`, { cause: err });
  }
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return key;
}
