// readAudit: the records of the audit log in chain order across rotated files, optionally
// following new lines and new files (`audit tail -f`). Never yields a partial last line. Read-only.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkInteger } from '../common/index.js';
import { parseLine } from './chain.js';
import { AuditError } from './errors.js';
import { listAuditFiles, type AuditFileName } from './files.js';
import { LineCursor } from './line-cursor.js';
import { auditRecordProblem, isStoredAuditRecord, type StoredAuditRecord } from './record.js';

export interface ReadAuditOptions {
  /** Keep watching for new lines and new files until `signal` aborts (default false: stop at the end). */
  follow?: boolean;
  /** Ends the iteration (without an error) when it fires. */
  signal?: AbortSignal;
  /** How often follow mode looks for new lines and files, ms (default 200). */
  pollIntervalMs?: number;
}

export interface AuditEntry {
  /** Path of the file (`dir` joined with its name). */
  file: string;
  /** 1-based line number in that file. */
  line: number;
  /** The record as stored, `prev` and `hash` included. */
  record: StoredAuditRecord;
}

/** Waits `ms`; false when `signal` fired first. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function* entries(cursor: LineCursor, lines: string[]): Generator<AuditEntry> {
  let line = cursor.lineNo - lines.length;
  for (const text of lines) {
    line++;
    const parsed = parseLine(text);
    if (!('record' in parsed)) throw new AuditError('AUDIT_BAD_RECORD', `${cursor.path} line ${line}: ${parsed.reason}`);
    const { record } = parsed;
    if (!isStoredAuditRecord(record)) throw new AuditError('AUDIT_BAD_RECORD', `${cursor.path} line ${line}: not an audit record (${auditRecordProblem(record)})`);
    yield { file: cursor.path, line, record };
  }
}

/**
 * Yields `{ file, line, record }` for every record in `dir`, oldest first. Records are not checked
 * against the chain (verifyAudit does that), but each is checked for the keys readers rely on.
 * @throws AuditError AUDIT_DIR_NOT_FOUND when `dir` does not exist, AUDIT_BAD_RECORD for a
 *   complete line that is not a record.
 */
export async function* readAudit(dir: string, options: ReadAuditOptions = {}): AsyncGenerator<AuditEntry, void, undefined> {
  const isFollowing = options.follow === true;
  const { signal } = options;
  const pollIntervalMs = checkInteger('readAudit.pollIntervalMs', options.pollIntervalMs ?? 200, 1, 60_000);
  const files: AuditFileName[] = await listAuditFiles(dir);
  let at = 0;
  let cursor: LineCursor | null = null;
  try {
    while (signal?.aborted !== true) {
      if (cursor === null && at < files.length) cursor = new LineCursor(join(dir, files[at].name));
      const lines = cursor === null ? null : await cursor.next();
      if (lines !== null) {
        yield* entries(cursor as LineCursor, lines);
        continue;
      }
      // This file is read to its end. A later file listed before that read means the writer had
      // moved on (it never appends to an older file): go on to it. Else wait, or stop.
      if (at + 1 < files.length) {
        await cursor?.close();
        cursor = null;
        at++;
        continue;
      }
      if (!isFollowing || !(await pause(pollIntervalMs, signal))) return;
      const lastSeq = files.at(-1)?.seq ?? 0;
      for (const file of await listAuditFiles(dir)) if (file.seq > lastSeq) files.push(file);
    }
  } finally {
    await cursor?.close();
  }
}
