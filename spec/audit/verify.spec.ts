// verifyAudit on hand-made breaks: an edited field, a deleted, inserted or swapped line, a wrong or
// missing key, breaks at file boundaries, partial lines, and directories without a log.

import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyAudit } from '../../src/audit/index.js';
import { auditFiles, readLines, sampleRecord, tempDir, writeLines, writtenLog } from './helpers/audit-fixtures.js';

const KEY = Buffer.from('audit key', 'utf8');
const HASH_REASON = 'hash does not match the record: it was edited, or the key is wrong or missing';
const PREV_REASON = "prev does not match the previous record's hash: a record was removed, inserted or reordered";
const records = (n: number): Array<Record<string, unknown>> => Array.from({ length: n }, (_, i) => sampleRecord(i));

/** Rewrites the lines of the `index`th audit file of `dir` with `change`; returns its path. */
function rewrite(dir: string, index: number, change: (lines: string[]) => void): string {
  const path = join(dir, auditFiles(dir)[index]);
  const lines = readLines(path);
  change(lines);
  writeLines(path, lines);
  return path;
}

describe('verifyAudit', () => {
  it.each([null, KEY])('passes an intact log when the key is %s', async (key) => {
    const dir = await writtenLog(records(6), key, 2048);
    const result = await verifyAudit(dir, key);
    expect(result).toMatchObject({ ok: true, files: auditFiles(dir).length, records: 6 });
    expect(auditFiles(dir).length).toBeGreaterThan(1);
  });

  it('passes an empty directory with no files and the genesis head', async () => {
    expect(await verifyAudit(tempDir(), null)).toEqual({ ok: true, files: 0, records: 0, head: GENESIS_HASH, recordsBefore: 0, sealedRecords: null });
  });

  it.each([null, KEY])('fails when a field is edited (key %s)', async (key) => {
    const dir = await writtenLog(records(5), key);
    const file = rewrite(dir, 0, (lines) => {
      lines[2] = lines[2].replace('"response_code":"00"', '"response_code":"05"');
    });
    expect(await verifyAudit(dir, key)).toEqual({ ok: false, file, line: 3, reason: HASH_REASON });
  });

  it.each([null, KEY])('fails at the line after a deleted one (key %s)', async (key) => {
    const dir = await writtenLog(records(5), key);
    const file = rewrite(dir, 0, (lines) => lines.splice(1, 1));
    expect(await verifyAudit(dir, key)).toEqual({ ok: false, file, line: 2, reason: PREV_REASON });
  });

  it('fails when the first line is deleted: the new first record does not start from 64 zeros', async () => {
    const dir = await writtenLog(records(3), null);
    const file = rewrite(dir, 0, (lines) => lines.shift());
    expect(await verifyAudit(dir, null)).toEqual({ ok: false, file, line: 1, reason: PREV_REASON });
  });

  it.each([null, KEY])('fails at an inserted copy of another line (key %s)', async (key) => {
    const dir = await writtenLog(records(5), key);
    const file = rewrite(dir, 0, (lines) => lines.splice(4, 0, lines[1]));
    expect(await verifyAudit(dir, key)).toEqual({ ok: false, file, line: 5, reason: PREV_REASON });
  });

  it.each([null, KEY])('fails at the first of two swapped lines (key %s)', async (key) => {
    const dir = await writtenLog(records(5), key);
    const file = rewrite(dir, 0, (lines) => {
      [lines[1], lines[3]] = [lines[3], lines[1]];
    });
    expect(await verifyAudit(dir, key)).toEqual({ ok: false, file, line: 2, reason: PREV_REASON });
  });

  it('fails at line 1 when the key is wrong', async () => {
    const dir = await writtenLog(records(2), KEY);
    expect(await verifyAudit(dir, Buffer.from('another key'))).toMatchObject({ ok: false, file: join(dir, auditFiles(dir)[0]), line: 1, reason: HASH_REASON });
  });

  it('issue #13: refuses to check a keyed log without the key, even with its sealed head removed', async () => {
    const dir = await writtenLog(records(2), KEY);
    await expect(verifyAudit(dir, null)).rejects.toMatchObject({ code: 'AUDIT_KEY_REQUIRED', message: expect.stringContaining('audit.head says the log is keyed') });
    rmSync(join(dir, 'audit.head'));
    await expect(verifyAudit(dir, null)).rejects.toMatchObject({ code: 'AUDIT_KEY_REQUIRED', message: expect.stringContaining('line 1 says the log is keyed') });
  });

  it('issue #13: fails a keyed log replaced by an unkeyed chain when checked with the key', async () => {
    const dir = await writtenLog(records(2), null);
    expect(await verifyAudit(dir, KEY)).toMatchObject({ ok: false, file: join(dir, 'audit.head'), line: 1, reason: expect.stringContaining('not keyed') });
    rmSync(join(dir, 'audit.head'));
    expect(await verifyAudit(dir, KEY)).toMatchObject({ ok: false, file: join(dir, auditFiles(dir)[0]), line: 1, reason: expect.stringContaining('not keyed') });
  });

  it.each<[string, (dir: string) => void]>([
    ['the last line of a file is deleted', (dir) => rewrite(dir, 0, (lines) => lines.pop())],
    ['the first line of the next file is deleted', (dir) => rewrite(dir, 1, (lines) => lines.shift())],
    ['a whole file between two others is removed', (dir) => rmSync(join(dir, auditFiles(dir)[1]))],
  ])('fails at the first line of the next file when %s', async (_what, cut) => {
    const dir = await writtenLog(records(8), KEY, 1700);
    expect(auditFiles(dir).length).toBeGreaterThan(3);
    const next = join(dir, auditFiles(dir)[2]);
    cut(dir);
    const result = await verifyAudit(dir, KEY);
    expect(result).toMatchObject({ ok: false, line: 1, reason: PREV_REASON });
    expect([next, join(dir, auditFiles(dir)[1])]).toContain((result as { file: string }).file);
  });

  it('reports a line that is not JSON by its number, without its contents', async () => {
    const dir = await writtenLog(records(3), null);
    const file = rewrite(dir, 0, (lines) => lines.splice(1, 0, 'secret-ish text'));
    expect(await verifyAudit(dir, null)).toEqual({ ok: false, file, line: 2, reason: 'not valid JSON (15 characters)' });
  });

  it('skips a partial last line of the newest file, still being written', async () => {
    const dir = await writtenLog(records(3), null);
    appendFileSync(join(dir, auditFiles(dir)[0]), '{"id":"half');
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 3 });
  });

  it('fails on a partial last line of a file that a later file follows', async () => {
    const dir = await writtenLog(records(4), null, 1700);
    const file = join(dir, auditFiles(dir)[0]);
    appendFileSync(file, '{"id":"half');
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: false, file, line: readLines(file).length, reason: expect.stringContaining('no newline') });
  });

  it('ignores torn-line side files and other files in the directory', async () => {
    const dir = await writtenLog(records(2), null);
    writeFileSync(join(dir, `${auditFiles(dir)[0]}.torn-1795000000000`), '{"id":"torn');
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    mkdirSync(join(dir, 'archive'));
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, files: 1, records: 2 });
  });

  it('throws AUDIT_DIR_NOT_FOUND for a missing directory', async () => {
    const dir = join(tempDir(), 'nope');
    await expect(verifyAudit(dir, null)).rejects.toMatchObject({ name: 'AuditError', code: 'AUDIT_DIR_NOT_FOUND', message: `${dir}: no such directory` });
  });
});
