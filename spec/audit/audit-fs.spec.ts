// NODE_AUDIT_FS_SYNC: the writer's file calls made synchronously (for the journal thread). Logs it
// writes are byte for byte those NODE_AUDIT_FS writes, and its failures come as rejected promises.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditWriter, NODE_AUDIT_FS, NODE_AUDIT_FS_SYNC, verifyAudit, type AuditFs, type AuditMode } from '../../src/audit/index.js';
import { auditFiles, sampleRecord, storedRecords, tempDir } from './helpers/audit-fixtures.js';

const NOV_23_2026 = Date.UTC(2026, 10, 23, 12, 0, 0);
/** An fd number no process has open (within int32, so it passes Node's argument checks). */
const BAD_FD = 2 ** 31 - 1;

/** Writes records 0..count-1 with `fs` into a new directory, several files when past maxFileBytes. */
async function writeLog(fs: AuditFs, mode: AuditMode, key: Buffer | null, count: number, maxFileBytes: number): Promise<{ dir: string; writer: AuditWriter }> {
  const dir = tempDir();
  const writer = await AuditWriter.open({ dir, mode, key, maxFileBytes, fs, nowMs: () => NOV_23_2026 });
  await Promise.all(Array.from({ length: count }, (_, i) => writer.append(sampleRecord(i))));
  for (let i = count; i < count + 5; i++) await writer.append(sampleRecord(i));
  await writer.close();
  return { dir, writer };
}

/** Every audit file of `dir`, by name, with its whole text. */
function fileTexts(dir: string): Array<[string, string]> {
  return auditFiles(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]);
}

describe('NODE_AUDIT_FS_SYNC', () => {
  it.each([
    ['strict', null],
    ['async', Buffer.from('sync fs key')],
  ] as const)('writes, rotates and verifies as NODE_AUDIT_FS does (%s mode, key %s)', async (mode, key) => {
    const lineBytes = JSON.stringify(sampleRecord(0)).length + 150;
    const sync = await writeLog(NODE_AUDIT_FS_SYNC, mode, key, 30, lineBytes * 4);
    const async = await writeLog(NODE_AUDIT_FS, mode, key, 30, lineBytes * 4);
    expect(auditFiles(sync.dir).length).toBeGreaterThan(5);
    expect(fileTexts(sync.dir)).toEqual(fileTexts(async.dir));
    expect(storedRecords(sync.dir).map((r) => r.id)).toEqual(Array.from({ length: 35 }, (_, i) => sampleRecord(i).id));
    expect(await verifyAudit(sync.dir, key)).toEqual({ ok: true, files: auditFiles(sync.dir).length, records: 35, head: sync.writer.head, recordsBefore: 0, sealedRecords: 35 });
    expect(sync.writer.head).toBe(async.writer.head);
    expect(sync.writer.stats).toMatchObject({ records: 35, failures: 0 });
  });

  it('continues the chain of a log when reopened, as the journal thread does at start', async () => {
    const { dir } = await writeLog(NODE_AUDIT_FS_SYNC, 'strict', null, 3, 64 * 1024 * 1024);
    const again = await AuditWriter.open({ dir, mode: 'strict', key: null, fs: NODE_AUDIT_FS_SYNC, nowMs: () => NOV_23_2026 });
    await again.append(sampleRecord(100));
    await again.close();
    expect(auditFiles(dir)).toHaveLength(1);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 9, head: again.head });
  });

  it('appends at the end of an existing file, writes all the data and cuts a file back', async () => {
    const dir = tempDir();
    const path = join(dir, 'f.ndjson');
    writeFileSync(path, 'abc\n');
    const fd = await NODE_AUDIT_FS_SYNC.openAppend(path);
    expect(Number.isInteger(fd)).toBe(true);
    const big = Buffer.alloc(1 << 20, 0x78);
    await NODE_AUDIT_FS_SYNC.write(fd, big);
    await NODE_AUDIT_FS_SYNC.datasync(fd);
    expect(readFileSync(path).length).toBe(4 + big.length);
    await NODE_AUDIT_FS_SYNC.truncate(fd, 4);
    await NODE_AUDIT_FS_SYNC.write(fd, Buffer.from('def\n'));
    await NODE_AUDIT_FS_SYNC.close(fd);
    expect(readFileSync(path, 'utf8')).toBe('abc\ndef\n');
    await NODE_AUDIT_FS_SYNC.syncDir(dir);
    expect(readdirSync(dir)).toEqual(['f.ndjson']);
  });

  it.each([
    ['openAppend', 'ENOENT', (fs: AuditFs, dir: string) => fs.openAppend(join(dir, 'missing', 'f.ndjson'))],
    ['write', 'EBADF', (fs: AuditFs) => fs.write(BAD_FD, Buffer.from('x'))],
    ['datasync', 'EBADF', (fs: AuditFs) => fs.datasync(BAD_FD)],
    ['truncate', 'EBADF', (fs: AuditFs) => fs.truncate(BAD_FD, 0)],
    ['close', 'EBADF', (fs: AuditFs) => fs.close(BAD_FD)],
    ['syncDir', 'ENOENT', (fs: AuditFs, dir: string) => fs.syncDir(join(dir, 'missing'))],
    ['openInPlace', 'ENOENT', (fs: AuditFs, dir: string) => fs.openInPlace(join(dir, 'missing', 'audit.head'))],
    ['writeAt', 'EBADF', (fs: AuditFs) => fs.writeAt(BAD_FD, Buffer.from('x'), 0)],
  ])('gives a rejected promise, not a throw, when %s fails (%s)', async (_call, code, call) => {
    const dir = tempDir();
    let result: Promise<unknown> | undefined;
    expect(() => {
      result = call(NODE_AUDIT_FS_SYNC, dir);
    }).not.toThrow();
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toMatchObject({ code });
  });

  it('gives a rejected promise for a write to an fd that was closed', async () => {
    const dir = tempDir();
    const fd = await NODE_AUDIT_FS_SYNC.openAppend(join(dir, 'f.ndjson'));
    // Closed and written in one synchronous run, so that no other open can take the fd number meanwhile.
    const closed = NODE_AUDIT_FS_SYNC.close(fd);
    let result: Promise<void> | undefined;
    expect(() => {
      result = NODE_AUDIT_FS_SYNC.write(fd, Buffer.from('late'));
    }).not.toThrow();
    await closed;
    await expect(result).rejects.toMatchObject({ code: 'EBADF' });
  });

  it('is frozen, so that no caller can swap one of its calls', () => {
    expect(Object.isFrozen(NODE_AUDIT_FS_SYNC)).toBe(true);
  });
});
