// readAudit: records in chain order across rotated files; follow mode picking up appended lines
// and new files until aborted; a partial last line held back until its newline arrives.

import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditWriter, readAudit, type AuditEntry, type StoredAuditRecord } from '../../src/audit/index.js';
import { auditFiles, sampleRecord, tempDir, UNSYNCED_FS, writtenLog } from './helpers/audit-fixtures.js';

const ids = (entries: AuditEntry[]): unknown[] => entries.map((e) => e.record.id);
const expectedIds = (from: number, to: number): unknown[] => Array.from({ length: to - from }, (_, i) => sampleRecord(from + i).id);

async function readAll(dir: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for await (const entry of readAudit(dir)) entries.push(entry);
  return entries;
}

/** Follows `dir` in the background until the returned stop() is called. */
function follow(dir: string): { entries: AuditEntry[]; stop: () => Promise<void> } {
  const entries: AuditEntry[] = [];
  const abort = new AbortController();
  const done = (async () => {
    for await (const entry of readAudit(dir, { follow: true, signal: abort.signal, pollIntervalMs: 5 })) entries.push(entry);
  })();
  return {
    entries,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

describe('readAudit', () => {
  it('yields every record in chain order across rotated files, with its file and line', async () => {
    const records = Array.from({ length: 7 }, (_, i) => sampleRecord(i));
    const dir = await writtenLog(records, null, 1800);
    const files = auditFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    const entries = await readAll(dir);
    expect(ids(entries)).toEqual(expectedIds(0, 7));
    expect(entries[0]).toMatchObject({ file: join(dir, files[0]), line: 1 });
    expect(entries[1]).toMatchObject({ file: join(dir, files[0]), line: 2 });
    expect(entries.at(-1)?.file).toBe(join(dir, files.at(-1) as string));
    expect(Object.keys(entries[0].record).slice(-2)).toEqual(['prev', 'hash']);
  });

  it('holds back a partial last line, and yields it once its newline arrives when following', async () => {
    const dir = await writtenLog([sampleRecord(0), sampleRecord(1)], null);
    const file = join(dir, auditFiles(dir)[0]);
    const third = JSON.stringify({ ...sampleRecord(2), prev: '0'.repeat(64), hash: 'a'.repeat(64) });
    appendFileSync(file, third.slice(0, 40));
    expect(ids(await readAll(dir))).toEqual(expectedIds(0, 2));
    const follower = follow(dir);
    await expect.poll(() => follower.entries.length).toBe(2);
    appendFileSync(file, third.slice(40, 80));
    appendFileSync(file, `${third.slice(80)}\n`);
    await expect.poll(() => follower.entries.length).toBe(3);
    expect(follower.entries[2]).toMatchObject({ file, line: 3, record: { id: sampleRecord(2).id } });
    await follower.stop();
  });

  it('follows appended records and new rotated files until aborted', async () => {
    const dir = tempDir();
    const follower = follow(dir);
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, fs: UNSYNCED_FS, maxFileBytes: 1700 });
    for (let i = 0; i < 3; i++) await writer.append(sampleRecord(i));
    await expect.poll(() => follower.entries.length).toBe(3);
    for (let i = 3; i < 9; i++) await writer.append(sampleRecord(i));
    await writer.close();
    await expect.poll(() => follower.entries.length).toBe(9);
    expect(ids(follower.entries)).toEqual(expectedIds(0, 9));
    expect(new Set(follower.entries.map((e) => e.file)).size).toBe(auditFiles(dir).length);
    await follower.stop();
  });

  it('ends at once when the signal has already fired', async () => {
    const dir = await writtenLog([sampleRecord(0)], null);
    const entries: AuditEntry[] = [];
    for await (const entry of readAudit(dir, { follow: true, signal: AbortSignal.abort() })) entries.push(entry);
    expect(entries).toEqual([]);
  });

  it('throws AUDIT_BAD_RECORD naming the file and line of a complete line that is not a record', async () => {
    const dir = await writtenLog([sampleRecord(0)], null);
    const file = join(dir, auditFiles(dir)[0]);
    appendFileSync(file, '[1,2]\n');
    await expect(readAll(dir)).rejects.toMatchObject({ name: 'AuditError', code: 'AUDIT_BAD_RECORD', message: `${file} line 2: not a JSON object` });
  });

  it('throws AUDIT_BAD_RECORD for a hashed JSON object that is not an audit record, naming what it lacks', async () => {
    const dir = await writtenLog([sampleRecord(0)], null);
    const file = join(dir, auditFiles(dir)[0]);
    const { request: _request, ...noRequest } = sampleRecord(1);
    appendFileSync(file, `${JSON.stringify({ ...noRequest, prev: 'a'.repeat(64), hash: 'b'.repeat(64) })}\n`);
    await expect(readAll(dir)).rejects.toMatchObject({ name: 'AuditError', code: 'AUDIT_BAD_RECORD', message: `${file} line 2: not an audit record (no request.mti string)` });
  });

  it('throws AUDIT_DIR_NOT_FOUND for a missing directory', async () => {
    await expect(readAll(join(tempDir(), 'missing'))).rejects.toMatchObject({ code: 'AUDIT_DIR_NOT_FOUND' });
  });

  it('rejects a pollIntervalMs of 0 with ConfigError', async () => {
    await expect(readAudit(tempDir(), { pollIntervalMs: 0 }).next()).rejects.toMatchObject({ name: 'ConfigError', code: 'CONFIG_INVALID' });
  });

  it('reads lines longer than one read chunk whole', async () => {
    const dir = tempDir();
    const big = { ...sampleRecord(0), id: 'big', blob: 'x'.repeat(600_000), prev: 'a'.repeat(64), hash: 'b'.repeat(64) };
    writeFileSync(join(dir, 'audit-20261123-000001.ndjson'), `${JSON.stringify(big)}\n${JSON.stringify({ ...big, id: 'next' })}\n`);
    const entries = await readAll(dir);
    expect(entries.map((e) => [e.line, e.record.id, (e.record as StoredAuditRecord & { blob: string }).blob.length])).toEqual([
      [1, 'big', 600_000],
      [2, 'next', 600_000],
    ]);
  });
});
