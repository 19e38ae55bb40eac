// verifyAudit: recomputes the hash chain over every audit file in order and reports the first
// break (file and line), then checks the sealed head (audit.head) so a cut-off tail is found too.
// Read-only; safe on a log that is being written.

import { join } from 'node:path';
import { ConfigError } from '../common/index.js';
import { chainDigest, chainMarkOf, checkLine, GENESIS_HASH, parseLine, type ChainMark } from './chain.js';
import { AuditError } from './errors.js';
import { listAuditFiles } from './files.js';
import { HEAD_FILE, readHead, type SealedHead } from './head.js';
import { LineCursor } from './line-cursor.js';

export type VerifyResult =
  | {
      ok: true;
      files: number;
      /** Records checked (in the files kept). */
      records: number;
      /** Hash of the last record (GENESIS_HASH for an empty log): compare it with a kept anchor if you keep one. */
      head: string;
      /** Records before the oldest file kept (deleted by retention); 0 when the log starts at its first record. */
      recordsBefore: number;
      /** Records the sealed head counts (the log may hold more: a batch being written, or written before a crash); null for a log without one (an older writer's). */
      sealedRecords: number | null;
    }
  | {
      ok: false;
      /** Path of the file holding the first break (`dir` joined with its name), or of audit.head. */
      file: string;
      /** 1-based line number in that file. */
      line: number;
      reason: string;
    };

const KEY_MISMATCH = 'says the log is not keyed (plain SHA-256), yet a key was given';

function keyRequired(where: string): AuditError {
  return new AuditError('AUDIT_KEY_REQUIRED', `${where} says the log is keyed (HMAC-SHA-256): it cannot be verified without its key`);
}

/** Why a file's chain mark does not fit where it is (file `seq`, after `before` records), or null. */
function markProblem(mark: ChainMark, seq: number, before: number): string | null {
  if (mark.file !== seq) return `its chain mark names file ${mark.file}: the record or the file was moved`;
  if (mark.records_before !== before) return `its chain mark counts ${mark.records_before} records before it, the log holds ${before}`;
  return null;
}

/**
 * The sealed head of `dir`, checked for the key it needs (its mac is checked after the records, so a
 * wrong key is reported at the first record): the head, null when there is none, or why it fails.
 */
async function sealedHead(dir: string, key: Buffer | null): Promise<{ head: SealedHead; mac: string; canonical: string } | null | string> {
  const parsed = await readHead(dir);
  if (parsed === null) return null;
  if (!('head' in parsed)) return `not a sealed head: ${parsed.reason}`;
  if (parsed.head.keyed && key === null) throw keyRequired(join(dir, HEAD_FILE));
  if (!parsed.head.keyed && key !== null) return KEY_MISMATCH;
  return parsed;
}

/**
 * Checks that every record's hash is the digest of its canonical form (HMAC with `key`) and that
 * every `prev` is the hash of the record before it, across rotated files; the first record's prev
 * is 64 zeros, unless its file's chain mark counts records before it (older files deleted by
 * retention). Then the sealed head: the log must hold the record it counts, with its hash (records
 * after it are a batch being written, or written just before a crash). A last line without its
 * newline in the newest file is a record still being written, not a break.
 * @throws AuditError AUDIT_DIR_NOT_FOUND when `dir` does not exist, AUDIT_KEY_REQUIRED when `key`
 *   is null and the log says it is keyed; ConfigError for an empty key.
 */
export async function verifyAudit(dir: string, key: Buffer | null): Promise<VerifyResult> {
  if (key !== null && (!Buffer.isBuffer(key) || key.length === 0)) throw new ConfigError('audit.key', 'expected a non-empty Buffer or null');
  const digest = chainDigest(key);
  const files = await listAuditFiles(dir);
  const headPath = join(dir, HEAD_FILE);
  const found = await sealedHead(dir, key);
  if (typeof found === 'string') return { ok: false, file: headPath, line: 1, reason: found };
  const sealed = found?.head ?? null;
  let prev = GENESIS_HASH;
  let records = 0;
  let recordsBefore = 0;
  let isMarked = false;
  let sealedHash: string | null = null;
  for (let f = 0; f < files.length; f++) {
    const file = join(dir, files[f].name);
    const cursor = new LineCursor(file);
    try {
      for (let lines = await cursor.next(); lines !== null; lines = await cursor.next()) {
        let line = cursor.lineNo - lines.length;
        for (const text of lines) {
          line++;
          const parsed = parseLine(text);
          if (!('record' in parsed)) return { ok: false, file, line, reason: parsed.reason };
          const mark = line === 1 ? chainMarkOf(parsed.record) : null;
          if (mark !== null) {
            isMarked = true;
            if (mark.keyed && key === null) throw keyRequired(`${file} line 1`);
            if (!mark.keyed && key !== null) return { ok: false, file, line, reason: `its chain mark ${KEY_MISMATCH}` };
            // The oldest file kept by retention: its first prev is the hash of a deleted record.
            if (f === 0 && files[f].seq > 1 && mark.file === files[f].seq && typeof parsed.prev === 'string') {
              recordsBefore = mark.records_before;
              prev = parsed.prev;
            }
          }
          const reason = checkLine(parsed, prev, digest) ?? (mark === null ? null : markProblem(mark, files[f].seq, recordsBefore + records));
          if (reason !== null) return { ok: false, file, line, reason };
          prev = parsed.hash;
          records++;
          if (sealed !== null && recordsBefore + records === sealed.records) sealedHash = prev;
        }
      }
      if (cursor.partialBytes > 0 && f < files.length - 1) {
        return { ok: false, file, line: cursor.lineNo + 1, reason: 'the last line has no newline, yet a later file exists: the file was cut' };
      }
    } finally {
      await cursor.close();
    }
  }
  const total = recordsBefore + records;
  if (sealed === null) {
    if (isMarked) return { ok: false, file: headPath, line: 1, reason: 'missing: this log was written with a sealed head, which was removed (a cut-off tail cannot be ruled out)' };
  } else if (digest((found as { canonical: string }).canonical) !== (found as { mac: string }).mac) {
    return { ok: false, file: headPath, line: 1, reason: 'its mac does not match: it was edited, or the key is wrong' };
  } else if (total < sealed.records) {
    return { ok: false, file: headPath, line: 1, reason: `the log ends after record ${total}, but its sealed head counts ${sealed.records}: records were removed from the end` };
  } else if (sealed.records > 0 && sealedHash !== sealed.head) {
    return { ok: false, file: headPath, line: 1, reason: `record ${sealed.records} is not the one the sealed head names: the log was changed` };
  }
  return { ok: true, files: files.length, records, head: prev, recordsBefore, sealedRecords: sealed === null ? null : sealed.records };
}
