// Crash repair at open: a torn last line (no newline, or not a record) is copied to a side file,
// cut off, logged by size only, and the chain continues so that verify passes.

import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditWriter, verifyAudit } from '../../src/audit/index.js';
import { CaptureLogger } from '../trace/helpers/capture-logger.js';
import { auditFiles, sampleRecord, storedRecords, tempDir } from './helpers/audit-fixtures.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const nowMs = (): number => NOW;
const FILE = 'audit-20261123-000001.ndjson';

/** A log of `n` records, closed, as a crashed switch would have left it before the torn write. */
async function logOf(n: number, key: Buffer | null = null): Promise<string> {
  const dir = tempDir();
  const writer = await AuditWriter.open({ dir, mode: 'strict', key, nowMs });
  for (let i = 0; i < n; i++) await writer.append(sampleRecord(i));
  await writer.close();
  return dir;
}

function sideFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('.torn-'));
}

describe('AuditWriter crash repair', () => {
  it.each<[string, string]>([
    ['half a record without its newline', '{"id":"0190a4f2-0000-7000-8000-00000000","trace_id":"00'],
    ['a complete line that is not JSON', '\0\0\0\0\0\0\0\0\n'],
    ['a JSON line without a hash', '{"id":"x","prev":"00"}\n'],
  ])('sets aside %s, logs sizes only, and the chain continues', async (_what, torn) => {
    const key = Buffer.from('k');
    const dir = await logOf(3, key);
    const path = join(dir, FILE);
    const goodBytes = statSync(path).size;
    appendFileSync(path, torn);
    const logger = new CaptureLogger();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key, nowMs, logger });
    expect(statSync(path).size).toBe(goodBytes);
    expect(writer.stats.tornLinesRepaired).toBe(1);
    const [side] = sideFiles(dir);
    expect(side).toMatch(new RegExp(`^${FILE.replace('.', '\\.')}\\.torn-${NOW}$`));
    expect(readFileSync(join(dir, side), 'latin1')).toBe(torn);
    const [line] = logger.events('audit.torn_line_set_aside');
    expect(line).toMatchObject({ level: 'warn', file: path, sideFile: join(dir, side), tornBytes: Buffer.byteLength(torn), keptBytes: goodBytes });
    expect(JSON.stringify(line)).not.toContain('trace_id');
    await writer.append(sampleRecord(3));
    await writer.close();
    expect(storedRecords(dir)).toHaveLength(4);
    expect(await verifyAudit(dir, key)).toMatchObject({ ok: true, files: 1, records: 4 });
  });

  it('cuts a file holding only a torn first record back to empty and starts the chain afresh', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, FILE), '{"id":"torn');
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs });
    await writer.append(sampleRecord(1));
    await writer.close();
    expect(storedRecords(dir)).toHaveLength(1);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 1 });
  });

  it('takes the chain from the previous file when the newest held only a torn line', async () => {
    const dir = await logOf(2);
    writeFileSync(join(dir, 'audit-20261123-000002.ndjson'), '{"id":"to');
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs });
    await writer.append(sampleRecord(2));
    await writer.close();
    expect(auditFiles(dir)).toEqual([FILE, 'audit-20261123-000002.ndjson']);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, files: 2, records: 3 });
  });

  it('sets aside only the last line: a bad line before a torn one stops open with AUDIT_BAD_RECORD', async () => {
    const dir = await logOf(2);
    appendFileSync(join(dir, FILE), 'not json\n{"id":"to');
    await expect(AuditWriter.open({ dir, mode: 'strict', key: null, nowMs })).rejects.toMatchObject({
      name: 'AuditError',
      code: 'AUDIT_BAD_RECORD',
      message: expect.stringMatching(/audit-20261123-000001\.ndjson: the line at byte \d+ is not a record \(not valid JSON \(8 characters\)\); cannot continue the chain$/),
    });
  });

  it('leaves an intact log untouched and counts no repair', async () => {
    const dir = await logOf(2);
    const before = readFileSync(join(dir, FILE));
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs });
    await writer.close();
    expect(readFileSync(join(dir, FILE))).toEqual(before);
    expect(writer.stats.tornLinesRepaired).toBe(0);
    expect(sideFiles(dir)).toEqual([]);
  });
});
