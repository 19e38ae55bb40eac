// The sealed head (audit.head): updated after every batch, MACed like the records, re-sealed at
// open after a crash left it behind; records cut off the end are found by verify and refused by
// the writer; each file's first record carries the chain mark.

import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditWriter, GENESIS_HASH, verifyAudit } from '../../src/audit/index.js';
import { auditFiles, readLines, sampleRecord, storedRecords, tempDir, UNSYNCED_FS, writeLines, writtenLog } from './helpers/audit-fixtures.js';

const KEY = Buffer.from('head test key', 'utf8');
const headOf = (dir: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, 'audit.head'), 'latin1')) as Record<string, unknown>;
const open = (dir: string, key: Buffer | null = KEY) => AuditWriter.open({ dir, mode: 'strict', key, fs: UNSYNCED_FS, maxFileBytes: 1800 });

describe('sealed head', () => {
  it('issue #13: is updated after each batch with the record count and the last hash, in 256 bytes', async () => {
    const dir = tempDir();
    const writer = await open(dir);
    expect(headOf(dir)).toMatchObject({ version: 1, keyed: true, records: 0 });
    await writer.append(sampleRecord(0));
    expect(headOf(dir)).toMatchObject({ records: 1, head: writer.head, file: auditFiles(dir)[0] });
    await Promise.all([1, 2, 3].map((i) => writer.append(sampleRecord(i))));
    expect(headOf(dir)).toMatchObject({ records: 4, head: writer.head, file: auditFiles(dir).at(-1), mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(readFileSync(join(dir, 'audit.head'))).toHaveLength(256);
    await writer.close();
    expect(await verifyAudit(dir, KEY)).toMatchObject({ ok: true, records: 4, sealedRecords: 4 });
  });

  it('issue #13: marks the first record of every file with the keying, the file and the records before it', async () => {
    const dir = await writtenLog(Array.from({ length: 6 }, (_, i) => sampleRecord(i)), KEY, 1800);
    const firsts = auditFiles(dir).map((name) => JSON.parse(readLines(join(dir, name))[0]) as Record<string, unknown>);
    expect(firsts.length).toBeGreaterThan(2);
    let before = 0;
    auditFiles(dir).forEach((name, f) => {
      expect(firsts[f].chain).toEqual({ keyed: true, file: f + 1, records_before: before });
      before += readLines(join(dir, name)).length;
    });
    expect(storedRecords(dir).filter((r) => 'chain' in r)).toHaveLength(firsts.length);
  });

  it('issue #13: fails verify when its mac does not match (edited without the key)', async () => {
    const dir = await writtenLog([sampleRecord(0), sampleRecord(1)], KEY);
    const path = join(dir, 'audit.head');
    writeFileSync(path, readFileSync(path, 'latin1').replace('"records":2', '"records":1'));
    expect(await verifyAudit(dir, KEY)).toEqual({ ok: false, file: path, line: 1, reason: 'its mac does not match: it was edited, or the key is wrong' });
  });

  it('issue #13: accepts a log longer than its head (a crash between a batch and the head update), and the next open seals it again', async () => {
    const dir = tempDir();
    const writer = await open(dir);
    await writer.append(sampleRecord(0));
    await writer.append(sampleRecord(1));
    const behind = readFileSync(join(dir, 'audit.head'));
    await writer.append(sampleRecord(2));
    await writer.close();
    writeFileSync(join(dir, 'audit.head'), behind);
    expect(await verifyAudit(dir, KEY)).toMatchObject({ ok: true, records: 3, sealedRecords: 2 });
    const again = await open(dir);
    expect(headOf(dir)).toMatchObject({ records: 3, head: again.head });
    await again.append(sampleRecord(3));
    await again.close();
    expect(await verifyAudit(dir, KEY)).toMatchObject({ ok: true, records: 4, sealedRecords: 4 });
  });

  it('issue #13: keeps head and log consistent when a torn last line is repaired at open', async () => {
    const dir = await writtenLog([sampleRecord(0), sampleRecord(1)], KEY);
    const file = join(dir, auditFiles(dir)[0]);
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"id":"torn`);
    const writer = await open(dir);
    expect(writer.stats.tornLinesRepaired).toBe(1);
    expect(headOf(dir)).toMatchObject({ records: 2, head: writer.head });
    await writer.append(sampleRecord(2));
    await writer.close();
    expect(await verifyAudit(dir, KEY)).toMatchObject({ ok: true, records: 3, sealedRecords: 3 });
  });

  it('issue #13: keeps the count across rotated files and restarts', async () => {
    const dir = tempDir();
    for (let round = 0; round < 3; round++) {
      const writer = await open(dir);
      for (let i = 0; i < 3; i++) await writer.append(sampleRecord(round * 3 + i));
      await writer.close();
    }
    expect(auditFiles(dir).length).toBeGreaterThan(2);
    expect(headOf(dir)).toMatchObject({ records: 9 });
    expect(await verifyAudit(dir, KEY)).toMatchObject({ ok: true, records: 9, sealedRecords: 9 });
  });

  it('issue #13: refuses to open a log that ends before its sealed head (records removed from the end)', async () => {
    const dir = await writtenLog([sampleRecord(0), sampleRecord(1), sampleRecord(2)], KEY);
    const file = join(dir, auditFiles(dir)[0]);
    writeLines(file, readLines(file).slice(0, 2));
    await expect(open(dir)).rejects.toMatchObject({ code: 'AUDIT_HEAD_MISMATCH', message: expect.stringContaining('records were removed from the end') });
  });

  it('issue #13: refuses to open a log whose sealed head was removed', async () => {
    const dir = await writtenLog([sampleRecord(0), sampleRecord(1)], KEY);
    rmSync(join(dir, 'audit.head'));
    await expect(open(dir)).rejects.toMatchObject({ code: 'AUDIT_HEAD_MISMATCH', message: expect.stringContaining('is missing') });
  });

  it('counts an older log (no chain marks, no head) once, seals it, and marks the next file', async () => {
    const dir = tempDir();
    let prev = GENESIS_HASH;
    const lines = [0, 1].map((i) => {
      const canonical = JSON.stringify({ ...sampleRecord(i), prev });
      const hash = createHash('sha256').update(canonical).digest('hex');
      prev = hash;
      return `${canonical.slice(0, -1)},"hash":"${hash}"}`;
    });
    writeLines(join(dir, 'audit-20261123-000001.ndjson'), lines);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 2, sealedRecords: null });
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, fs: UNSYNCED_FS, maxFileBytes: 1024 });
    expect(headOf(dir)).toMatchObject({ records: 2, head: prev });
    await writer.append(sampleRecord(2));
    await writer.close();
    expect(JSON.parse(readLines(join(dir, auditFiles(dir)[1]))[0])).toMatchObject({ chain: { keyed: false, file: 2, records_before: 2 } });
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 3, sealedRecords: 3 });
  });
});
