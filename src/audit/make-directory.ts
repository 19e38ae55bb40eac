// makeDirectory: `mkdir -p` that returns for every path. Synchronous: for opening only.

import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemCode } from './errors.js';

/**
 * mkdir -p, one level at a time: Node 20's `mkdir(path, { recursive: true })` never returns for a
 * path under /proc (it retries ENOENT for ever), which hung serve with `--audit-dir /proc/nope`.
 * `isParentMade`: the parent was just made (a second ENOENT is then an error, not a loop).
 * @throws the system error (EEXIST or ENOTDIR when `dir` or a parent is a file).
 */
export function makeDirectory(dir: string, isParentMade = false): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    const code = systemCode(err);
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code !== 'ENOENT' || isParentMade || dirname(dir) === dir) throw err;
    makeDirectory(dirname(dir));
    makeDirectory(dir, true);
  }
}
