// AuditWriter rotation and restarts: a new file by size and by UTC day, names in chain order, the
// chain running on across files and across a close and reopen.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditWriter, verifyAudit } from '../../src/audit/index.js';
import { auditFiles, readLines, sampleRecord, storedRecords, tempDir } from './helpers/audit-fixtures.js';

const NOV_23_2026_2359 = Date.UTC(2026, 10, 23, 23, 59, 0);
const MINUTE_MS = 60_000;

/** Links of the stored records: each prev equals the hash before it. */
function expectLinked(dir: string): void {
  const records = storedRecords(dir);
  for (let i = 1; i < records.length; i++) expect(records[i].prev).toBe(records[i - 1].hash);
}

describe('AuditWriter rotation', () => {
  it('starts a new file before one would pass maxFileBytes, and the chain runs on across files', async () => {
    const dir = tempDir();
    const lineBytes = JSON.stringify(sampleRecord(10)).length + 150 + 60; // the first record of a file carries the chain mark
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, maxFileBytes: lineBytes * 3, nowMs: () => NOV_23_2026_2359 });
    for (let i = 10; i < 20; i++) await writer.append(sampleRecord(i));
    await writer.close();
    const files = auditFiles(dir);
    expect(files).toEqual(['audit-20261123-000001.ndjson', 'audit-20261123-000002.ndjson', 'audit-20261123-000003.ndjson', 'audit-20261123-000004.ndjson']);
    expect(storedRecords(dir)).toHaveLength(10);
    expectLinked(dir);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, files: 4, records: 10 });
  });

  it('splits one batch across files when it would pass maxFileBytes, still in one chain', async () => {
    const dir = tempDir();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: Buffer.from('k'), maxFileBytes: 4096 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => writer.append(sampleRecord(i))));
    await writer.close();
    expect(writer.stats.batches).toBeGreaterThan(1);
    expect(auditFiles(dir).length).toBeGreaterThan(5);
    expect(await verifyAudit(dir, Buffer.from('k'))).toMatchObject({ ok: true, records: 40 });
  });

  it('starts a new file named for the new day when the UTC day changes', async () => {
    const dir = tempDir();
    let now = NOV_23_2026_2359;
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs: () => now });
    await writer.append(sampleRecord(1));
    now += 2 * MINUTE_MS;
    await writer.append(sampleRecord(2));
    await writer.append(sampleRecord(3));
    await writer.close();
    expect(auditFiles(dir)).toEqual(['audit-20261123-000001.ndjson', 'audit-20261124-000002.ndjson']);
    expectLinked(dir);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, files: 2, records: 3 });
  });

  it('keeps writing the same file when the wall clock steps back a day', async () => {
    const dir = tempDir();
    let now = NOV_23_2026_2359 + 2 * MINUTE_MS;
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs: () => now });
    await writer.append(sampleRecord(1));
    now -= 4 * MINUTE_MS;
    await writer.append(sampleRecord(2));
    await writer.close();
    expect(auditFiles(dir)).toEqual(['audit-20261124-000001.ndjson']);
  });

  it('continues the chain in the newest file when reopened the same day', async () => {
    const dir = tempDir();
    const nowMs = (): number => NOV_23_2026_2359;
    const first = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs });
    await first.append(sampleRecord(1));
    await first.close();
    const second = await AuditWriter.open({ dir, mode: 'async', key: null, nowMs });
    await second.append(sampleRecord(2));
    await second.close();
    expect(auditFiles(dir)).toEqual(['audit-20261123-000001.ndjson']);
    expectLinked(dir);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 2 });
  });

  it('continues the chain in a new file with the next sequence when reopened on a later day', async () => {
    const dir = tempDir();
    let now = NOV_23_2026_2359;
    const first = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs: () => now });
    await first.append(sampleRecord(1));
    await first.close();
    now += 2 * MINUTE_MS;
    const second = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs: () => now });
    await second.append(sampleRecord(2));
    await second.close();
    expect(auditFiles(dir)).toEqual(['audit-20261123-000001.ndjson', 'audit-20261124-000002.ndjson']);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, files: 2, records: 2 });
  });

  it('takes the chain from an older file when the newest is empty (created just before a crash)', async () => {
    const dir = tempDir();
    const nowMs = (): number => NOV_23_2026_2359;
    const first = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs });
    await first.append(sampleRecord(1));
    await first.append(sampleRecord(2));
    await first.close();
    writeFileSync(join(dir, 'audit-20261123-000002.ndjson'), '');
    const second = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs });
    await second.append(sampleRecord(3));
    await second.close();
    expect(readLines(join(dir, 'audit-20261123-000002.ndjson'))).toHaveLength(1);
    expectLinked(dir);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, files: 2, records: 3 });
  });
});
