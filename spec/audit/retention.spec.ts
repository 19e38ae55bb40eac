// Retention: the oldest rotated files go by size or age, never the file being written, and what
// remains still verifies from its oldest file on (its first record's chain mark).

import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditWriter, verifyAudit } from '../../src/audit/index.js';
import { auditFiles, readLines, sampleRecord, tempDir, UNSYNCED_FS } from './helpers/audit-fixtures.js';
import { CaptureLogger } from '../transport/helpers/capture-logger.js';

const KEY = Buffer.from('retention key', 'utf8');
const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 10, 23, 12);

async function write(dir: string, from: number, n: number, extra: Record<string, unknown> = {}): Promise<AuditWriter> {
  const writer = await AuditWriter.open({ dir, mode: 'strict', key: KEY, fs: UNSYNCED_FS, maxFileBytes: 1800, nowMs: () => NOW, ...extra });
  for (let i = from; i < from + n; i++) await writer.append(sampleRecord(i));
  await writer.close();
  return writer;
}

const totalBytes = (dir: string): number => auditFiles(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);

describe('audit retention', () => {
  it('issue #13: deletes the oldest rotated files past retentionBytes, keeps the current one, and the rest verifies', async () => {
    const dir = tempDir();
    const log = new CaptureLogger();
    await write(dir, 0, 12, { retentionBytes: 4000, logger: log });
    const files = auditFiles(dir);
    expect(files[0]).not.toBe('audit-20261123-000001.ndjson');
    expect(totalBytes(dir)).toBeLessThanOrEqual(4000 + 1800);
    expect(log.lines.filter((l) => l.evt === 'audit.retention_deleted').length).toBeGreaterThan(0);
    const result = await verifyAudit(dir, KEY);
    expect(result).toMatchObject({ ok: true, sealedRecords: 12 });
    const r = result as { records: number; recordsBefore: number };
    expect(r.recordsBefore).toBeGreaterThan(0);
    expect(r.recordsBefore + r.records).toBe(12);
    const first = JSON.parse(readLines(join(dir, files[0]))[0]) as { chain: { records_before: number } };
    expect(first.chain.records_before).toBe(r.recordsBefore);
  });

  it('issue #13: deletes rotated files last written more than retentionDays ago, at open, never the current file', async () => {
    const dir = tempDir();
    await write(dir, 0, 6);
    const files = auditFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    const old = (NOW - 10 * DAY_MS) / 1000;
    for (const name of files) utimesSync(join(dir, name), old, old);
    await write(dir, 6, 0, { retentionDays: 7 });
    expect(auditFiles(dir)).toEqual([files.at(-1)]);
    expect(await verifyAudit(dir, KEY)).toMatchObject({ ok: true, sealedRecords: 6 });
  });

  it('keeps everything by default, and stops before a file an older writer left without a chain mark', async () => {
    const dir = tempDir();
    await write(dir, 0, 6);
    const files = auditFiles(dir);
    await write(dir, 6, 0);
    expect(auditFiles(dir)).toEqual(files);
    const second = join(dir, files[1]);
    const lines = readLines(second);
    writeFileSync(second, `${lines.map((l, i) => (i === 0 ? l.replace(/"chain":\{[^}]*\},/, '') : l)).join('\n')}\n`);
    await write(dir, 6, 0, { retentionBytes: 1 });
    expect(auditFiles(dir)).toEqual(files);
  });
});
