// verifyAudit: recomputes the hash chain over every audit file in order and reports the first
// break (file and line). Read-only; safe on a log that is being written.

import { join } from 'node:path';
import { ConfigError } from '../shared/index.js';
import { chainDigest, checkLine, GENESIS_HASH, parseLine } from './chain.js';
import { listAuditFiles } from './files.js';
import { LineCursor } from './line-cursor.js';

export type VerifyResult =
  | {
      ok: true;
      files: number;
      records: number;
      /** Hash of the last record (GENESIS_HASH for an empty log): compare it with a kept anchor to detect a cut-off tail. */
      head: string;
    }
  | {
      ok: false;
      /** Path of the file holding the first break (`dir` joined with its name). */
      file: string;
      /** 1-based line number in that file. */
      line: number;
      reason: string;
    };

/**
 * Checks that every record's hash is the digest of its canonical form (HMAC with `key`) and that
 * every `prev` is the hash of the record before it, across rotated files; the first record's prev
 * is 64 zeros. An edited, removed, inserted or reordered record breaks the chain at or before its
 * line. Removing records from the very end cannot be seen without an anchor (see `head`). A last
 * line without its newline in the newest file is a record still being written, not a break.
 * @throws AuditError AUDIT_DIR_NOT_FOUND when `dir` does not exist; ConfigError for an empty key.
 */
export async function verifyAudit(dir: string, key: Buffer | null): Promise<VerifyResult> {
  if (key !== null && (!Buffer.isBuffer(key) || key.length === 0)) throw new ConfigError('audit.key', 'expected a non-empty Buffer or null');
  const digest = chainDigest(key);
  const files = await listAuditFiles(dir);
  let prev = GENESIS_HASH;
  let records = 0;
  for (let f = 0; f < files.length; f++) {
    const file = join(dir, files[f].name);
    const cursor = new LineCursor(file);
    try {
      for (let lines = await cursor.next(); lines !== null; lines = await cursor.next()) {
        let line = cursor.lineNo - lines.length;
        for (const text of lines) {
          line++;
          const parsed = parseLine(text);
          const reason = 'record' in parsed ? checkLine(parsed, prev, digest) : parsed.reason;
          if (reason !== null) return { ok: false, file, line, reason };
          prev = (parsed as { hash: string }).hash;
          records++;
        }
      }
      if (cursor.partialBytes > 0 && f < files.length - 1) {
        return { ok: false, file, line: cursor.lineNo + 1, reason: 'the last line has no newline, yet a later file exists: the file was cut' };
      }
    } finally {
      await cursor.close();
    }
  }
  return { ok: true, files: files.length, records, head: prev };
}
