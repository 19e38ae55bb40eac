// A failing disk (full, read-only): strict appends reject with AUDIT_WRITE_FAILED and an error
// line, nothing half-written stays in the file, and writing works again once the disk recovers.

import { describe, expect, it } from 'vitest';
import { AuditError, AuditWriter, verifyAudit } from '../../src/audit/index.js';
import { CaptureLogger } from '../trace/helpers/capture-logger.js';
import { sampleRecord, SteeredFs, storedRecords, tempDir } from './helpers/audit-fixtures.js';

async function openSteered(mode: 'strict' | 'async'): Promise<{ dir: string; fs: SteeredFs; logger: CaptureLogger; writer: AuditWriter }> {
  const dir = tempDir();
  const fs = new SteeredFs();
  const logger = new CaptureLogger();
  const writer = await AuditWriter.open({ dir, mode, key: null, fs, logger });
  return { dir, fs, logger, writer };
}

describe('AuditWriter on a failing disk', () => {
  it.each<[string, 'failWrite' | 'failSync', string, string]>([
    ['a write fails half-way on a full disk', 'failWrite', 'ENOSPC', 'write'],
    ['the sync fails with an I/O error', 'failSync', 'EIO', 'fdatasync'],
    ['a write fails on a read-only disk', 'failWrite', 'EROFS', 'write'],
  ])('rejects strict appends with AUDIT_WRITE_FAILED when %s, then succeeds once it clears', async (_what, hook, errno, syscall) => {
    const { dir, fs, logger, writer } = await openSteered('strict');
    await writer.append(sampleRecord(0));
    fs[hook] = errno;
    const failed = await Promise.all([1, 2].map((i) => writer.append(sampleRecord(i)).catch((e: unknown) => e)));
    for (const err of failed) {
      expect(err).toBeInstanceOf(AuditError);
      expect(err).toMatchObject({ code: 'AUDIT_WRITE_FAILED', message: expect.stringMatching(new RegExp(`audit-\\d{8}-000001\\.ndjson: ${syscall} failed \\(${errno}\\); 2 audit records not written$`)) });
    }
    const [line] = logger.events('audit.write_failed');
    expect(line).toMatchObject({ level: 'error', records: 2, mode: 'strict', err: { code: 'AUDIT_WRITE_FAILED', errno, syscall } });
    expect(JSON.stringify(logger.lines)).not.toContain('TERM0001');
    expect(writer.stats).toMatchObject({ failures: 1, recordsFailed: 2, records: 1 });

    fs[hook] = null;
    await writer.append(sampleRecord(3));
    await writer.close();
    expect(logger.events('audit.write_recovered')).toHaveLength(1);
    expect(storedRecords(dir).map((r) => r.id)).toEqual([sampleRecord(0).id, sampleRecord(3).id]);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 2 });
  });

  it('keeps failing while the disk stays full, one error line per failed batch, leaving no partial line', async () => {
    const { dir, fs, logger, writer } = await openSteered('strict');
    fs.failWrite = 'ENOSPC';
    for (let i = 0; i < 3; i++) await expect(writer.append(sampleRecord(i))).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
    expect(logger.events('audit.write_failed')).toHaveLength(3);
    fs.failWrite = null;
    await writer.close();
    expect(storedRecords(dir)).toEqual([]);
  });

  it('counts and logs lost records in async mode, where appends have already resolved', async () => {
    const { dir, fs, logger, writer } = await openSteered('async');
    fs.failSync = 'EIO';
    await writer.append(sampleRecord(1));
    await logger.next('audit.write_failed');
    expect(writer.stats).toMatchObject({ failures: 1, recordsFailed: 1 });
    fs.failSync = null;
    await writer.append(sampleRecord(2));
    await writer.close();
    expect(storedRecords(dir).map((r) => r.id)).toEqual([sampleRecord(2).id]);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 1 });
  });

  it('rejects close() with AUDIT_WRITE_FAILED when the last records could not be written', async () => {
    const { fs, writer } = await openSteered('async');
    fs.failWrite = 'ENOSPC';
    await writer.append(sampleRecord(1));
    await expect(writer.close()).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
  });

  it('retries creating a rotated file that could not be created, and the chain holds', async () => {
    const dir = tempDir();
    const fs = new SteeredFs();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, fs, maxFileBytes: 1024 });
    await writer.append(sampleRecord(0));
    fs.failOpen = 'EMFILE';
    await expect(writer.append(sampleRecord(1))).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED', message: /: open failed \(EMFILE\)/ });
    fs.failOpen = null;
    await writer.append(sampleRecord(2));
    await writer.close();
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, files: 2, records: 2 });
  });
});
