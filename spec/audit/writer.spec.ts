// AuditWriter: records on disk in order with prev/hash links, group commit (fewer syncs than
// records), strict appends resolving only after their sync, async appends at once, bad records.

import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditError, AuditWriter, GENESIS_HASH, verifyAudit } from '../../src/audit/index.js';
import { CaptureLogger } from '../trace/helpers/capture-logger.js';
import { auditFiles, readLines, sampleRecord, SteeredFs, storedRecords, tempDir } from './helpers/audit-fixtures.js';

/** The hash a verifier recomputes: the stored record without `hash`, re-serialized. */
function recomputed(record: Record<string, unknown>, key: Buffer | null): string {
  const { hash: _hash, ...rest } = record;
  const canonical = JSON.stringify(rest);
  return key === null ? createHash('sha256').update(canonical).digest('hex') : createHmac('sha256', key).update(canonical).digest('hex');
}

describe('AuditWriter', () => {
  it.each([null, Buffer.from('s3cret audit key', 'utf8')])('writes records in order, each linked to the one before, when the key is %s', async (key) => {
    const dir = tempDir();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key });
    for (let i = 0; i < 5; i++) await writer.append(sampleRecord(i));
    await writer.close();
    const records = storedRecords(dir);
    expect(records.map((r) => r.id)).toEqual([0, 1, 2, 3, 4].map((i) => sampleRecord(i).id));
    let prev = GENESIS_HASH;
    for (const r of records) {
      expect(Object.keys(r).slice(-2)).toEqual(['prev', 'hash']);
      expect(r.prev).toBe(prev);
      expect(r.hash).toBe(recomputed(r, key));
      prev = r.hash as string;
    }
    expect(writer.head).toBe(prev);
    expect(await verifyAudit(dir, key)).toEqual({ ok: true, files: 1, records: 5, head: prev, recordsBefore: 0, sealedRecords: 5 });
  });

  it('keeps the record keys in the order given, then prev and hash, when it serializes', async () => {
    const dir = tempDir();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null });
    await writer.append({ z: 1, a: { y: 2, b: 'é ☃ \u2028' }, m: [1, 2.5, -0] });
    await writer.append({});
    await writer.close();
    const [first, second] = readLines(join(dir, auditFiles(dir)[0]));
    expect(first).toMatch(/^\{"z":1,"a":\{"y":2,"b":"é ☃ \u2028"\},"m":\[1,2\.5,0\],"chain":\{"keyed":false,"file":1,"records_before":0\},"prev":"0{64}","hash":"[0-9a-f]{64}"\}$/);
    expect(second).toMatch(/^\{"prev":"[0-9a-f]{64}","hash":"[0-9a-f]{64}"\}$/);
    expect((await verifyAudit(dir, null)).ok).toBe(true);
  });

  it('writes many concurrent appends in fewer batches than records, one sync per batch', async () => {
    const dir = tempDir();
    const fs = new SteeredFs();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, fs });
    const appenders = Array.from({ length: 20 }, async (_, a) => {
      for (let i = 0; i < 10; i++) await writer.append(sampleRecord(a * 100 + i));
    });
    await Promise.all(appenders);
    await writer.close();
    const { records, batches, recordsPerBatch, failures } = writer.stats;
    expect(records).toBe(200);
    expect(batches).toBeLessThan(records / 5);
    expect(fs.syncs).toBe(batches + 2); // and the sealed head's, at open and at close
    expect(fs.writes).toBe(batches);
    expect(recordsPerBatch).toBeCloseTo(records / batches);
    expect(failures).toBe(0);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 200 });
  });

  it('resolves a strict append only after the sync of its batch, when the sync is held back', async () => {
    const dir = tempDir();
    const fs = new SteeredFs();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, fs });
    fs.hold();
    let isDone = false;
    const appended = writer.append(sampleRecord(1)).then(() => {
      isDone = true;
    });
    await expect.poll(() => fs.heldSyncs).toBe(1);
    // Written but not yet synced: the record is in the file, the promise still pending.
    expect(storedRecords(dir)).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(isDone).toBe(false);
    fs.release();
    await appended;
    expect(isDone).toBe(true);
    await writer.close();
  });

  it('batches everything appended while a sync is in flight into the next write', async () => {
    const dir = tempDir();
    const fs = new SteeredFs();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, fs });
    fs.hold();
    const first = writer.append(sampleRecord(0));
    await expect.poll(() => fs.heldSyncs).toBe(1);
    const rest = Array.from({ length: 30 }, (_, i) => writer.append(sampleRecord(i + 1)));
    fs.release();
    await Promise.all([first, ...rest]);
    expect(writer.stats).toMatchObject({ records: 31, batches: 2 });
    await writer.close();
  });

  it('resolves an async append at once, before anything is written, and writes it by close()', async () => {
    const dir = tempDir();
    const fs = new SteeredFs();
    const writer = await AuditWriter.open({ dir, mode: 'async', key: null, fs });
    fs.hold();
    await writer.append(sampleRecord(1));
    await writer.append(sampleRecord(2));
    expect(fs.writes).toBe(0);
    const closed = writer.close();
    await expect.poll(() => fs.heldSyncs).toBe(1);
    fs.release();
    await closed;
    expect(storedRecords(dir).map((r) => r.id)).toEqual([sampleRecord(1).id, sampleRecord(2).id]);
  });

  it.each<[string, unknown]>([
    ['holds prev', { id: 'x', prev: 'y' }],
    ['holds hash', { id: 'x', hash: 'y' }],
    ['is an array', [1, 2]],
    ['is null', null],
    ['holds a BigInt', { n: 1n }],
  ])('rejects a record with AUDIT_BAD_RECORD when it %s, and writes nothing', async (_what, record) => {
    const dir = tempDir();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null });
    const err = await writer.append(record as Record<string, unknown>).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditError);
    expect(err).toMatchObject({ code: 'AUDIT_BAD_RECORD', name: 'AuditError' });
    await writer.append(sampleRecord(1));
    await writer.close();
    expect(storedRecords(dir)).toHaveLength(1);
  });

  it('rejects appends with AUDIT_CLOSED after close(), and close() twice is harmless', async () => {
    const writer = await AuditWriter.open({ dir: tempDir(), mode: 'strict', key: null });
    await writer.close();
    await writer.close();
    await expect(writer.append(sampleRecord(1))).rejects.toMatchObject({ code: 'AUDIT_CLOSED' });
  });

  it('creates a missing directory and logs audit.opened and audit.closed without record contents', async () => {
    const dir = join(tempDir(), 'var', 'audit');
    const logger = new CaptureLogger();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: Buffer.from('k'), logger });
    await writer.append(sampleRecord(1));
    await writer.close();
    expect(auditFiles(dir)).toHaveLength(1);
    expect(logger.events('audit.opened')[0]).toMatchObject({ level: 'info', dir, mode: 'strict', isKeyed: true });
    expect(logger.events('audit.closed')[0]).toMatchObject({ records: 1, batches: 1 });
    expect(JSON.stringify(logger.lines)).not.toContain('TERM0001');
  });
});
