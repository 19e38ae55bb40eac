// Reading a saf directory without owning it (isotrace saf list, show): no lock, nothing created or
// repaired. A last line still being written (or torn) is left out, as replay leaves it.

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { systemCode } from '../audit/index.js';
import type { SafEntry } from './entry.js';
import { SafError } from './errors.js';
import { LOG_FILE } from './log-lines.js';
import { replayLog } from './replay.js';
import { readLog } from './saf-log.js';
import { readSafKey } from './saf-key.js';

/**
 * The entries owed in `dir`, in id order (fields in clear: mask before showing them).
 * @throws SafError SAF_DIR_NOT_FOUND when `dir` is not a directory; SAF_OPEN_FAILED when it cannot
 *   be read; SAF_BAD_LOG, SAF_KEY_MISSING, SAF_KEY_INVALID as replay does.
 */
export async function readSafEntries(dir: string): Promise<SafEntry[]> {
  await checkSafDir(dir);
  const path = join(dir, LOG_FILE);
  let data: Buffer;
  try {
    data = await readLog(path);
  } catch (err) {
    throw new SafError('SAF_OPEN_FAILED', `${path} cannot be read (${systemCode(err)})`, { cause: err });
  }
  return replayLog(data, readSafKey(dir), path).table.entries().map((e) => Object.freeze({ ...e }));
}

/**
 * Resolves when `dir` is an existing directory: for the commands that must not create one.
 * @throws SafError SAF_DIR_NOT_FOUND, or SAF_OPEN_FAILED when it cannot be looked at.
 */
export async function checkSafDir(dir: string): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new SafError('SAF_DIR_NOT_FOUND', `saf directory ${dir} is not a directory`);
  } catch (err) {
    if (err instanceof SafError) throw err;
    if (systemCode(err) === 'ENOENT') throw new SafError('SAF_DIR_NOT_FOUND', `saf directory ${dir} does not exist`);
    throw new SafError('SAF_OPEN_FAILED', `saf directory ${dir} cannot be read (${systemCode(err)})`, { cause: err });
  }
}
