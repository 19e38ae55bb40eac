// The transaction log in PostgreSQL, on a real server: records sealed onto each node's chain and
// committed a batch per statement, read back as written; verify finds every kind of tampering with
// node and seq; two nodes writing at once keep two valid chains; a database that goes away fails
// strict records with STORE_UNAVAILABLE, leaves nothing half-written, and is used again once back.

import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditError, AuditBatchStats } from '../../src/audit/index.js';
import { StoreError, findTxnLogRecords, verifyTxnLog, type Store, type TxnLogWriterOptions } from '../../src/store/index.js';
import { sampleRecord } from '../audit/helpers/audit-fixtures.js';
import { LogCollector } from '../helpers/log-collector.js';
import { Resources } from '../helpers/serve-harness.js';
import { postgresForFile, sqlRows, storeDatabase, txnLogWriter } from '../helpers/store-fixtures.js';

const pgFile = postgresForFile();
const resources = new Resources();
afterEach(() => resources.run());

const database = (...ids: string[]) => storeDatabase(pgFile.server, resources, ...ids);
const writer = (store: Store, extra: Partial<TxnLogWriterOptions> = {}) => txnLogWriter(store, resources, extra);

const text = (i: number): string => JSON.stringify(sampleRecord(i));

async function verify(url: string, key: Buffer | null = null): ReturnType<typeof verifyTxnLog> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await verifyTxnLog(c, key);
  } finally {
    await c.end();
  }
}

describe('TxnLogWriter', () => {
  it('commits the records of one turn in one statement, and reads them back exactly as sealed', async () => {
    const { url, stores } = await database('node-a');
    const stats = new AuditBatchStats();
    const w = await writer(stores[0], { batchStats: stats });
    await Promise.all(Array.from({ length: 50 }, (_, i) => w.append(text(i + 1))));
    expect(w.stats).toMatchObject({ records: 50, batches: 1 });
    expect(stats.records.count).toBe(1);
    expect(stats.records.sum).toBe(50);
    const rows = await sqlRows<{ seq: string; prev: string; hash: string; rrn: string; pan: string; stan: string; terminal_id: string; response_code: string; issuer: string; record_text: string }>(
      url, 'SELECT seq, prev, hash, rrn, pan, stan, terminal_id, response_code, issuer, record_text FROM isotrace.txn_log ORDER BY seq');
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(rows[0].prev).toBe('0'.repeat(64));
    expect(rows[1].prev).toBe(rows[0].hash);
    expect(rows[49].hash).toBe(w.head);
    expect(rows[6]).toMatchObject({ rrn: '632700000701', pan: '411111******1111', stan: '000007', terminal_id: 'TERM0001', response_code: '00', issuer: 'stub' });
    const stored = JSON.parse(rows[6].record_text) as Record<string, unknown>;
    expect({ ...stored, prev: undefined, hash: undefined }).toEqual({ ...sampleRecord(7), prev: undefined, hash: undefined });
    expect(await verify(url)).toEqual([{ nodeId: 'node-a', records: 50, startSeq: 0, head: w.head, broken: null }]);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    resources.add(() => c.end());
    const found = await findTxnLogRecords(c, { key: '632700000701' }, 10);
    expect(found.matched).toBe(1);
    expect(found.entries[0]).toMatchObject({ nodeId: 'node-a', seq: 7, record: { hash: rows[6].hash } });
    const newest = await findTxnLogRecords(c, { terminalId: 'TERM0001' }, 3);
    expect([newest.matched, newest.entries.map((e) => e.seq)]).toEqual([50, [50, 49, 48]]);
  });

  it('goes on from the head in the table when opened again', async () => {
    const { url, stores } = await database('node-a');
    const first = await writer(stores[0]);
    await first.append(text(1));
    await first.close();
    const second = await writer(stores[0]);
    expect(second.seq).toBe(1);
    await second.append(text(2));
    expect((await verify(url))[0]).toMatchObject({ records: 2, broken: null });
  });

  it('seals with HMAC when keyed: verify needs the key, and refuses a wrong one at seq 1', async () => {
    const { url, stores } = await database('node-k');
    const key = Buffer.from('a test audit key');
    const w = await writer(stores[0], { key });
    await Promise.all([w.append(text(1)), w.append(text(2))]);
    expect((await verify(url, key))[0]).toMatchObject({ records: 2, broken: null });
    await expect(verify(url, null)).rejects.toMatchObject({ constructor: AuditError, code: 'AUDIT_KEY_REQUIRED' });
    expect((await verify(url, Buffer.from('another key')))[0].broken).toMatchObject({ seq: 1, reason: expect.stringContaining('hash does not match') });
  });

  it('keeps one chain per node when two nodes write at once', async () => {
    const { url, stores } = await database('node-a', 'node-b');
    const [a, b] = await Promise.all(stores.map((s) => writer(s)));
    for (let round = 0; round < 20; round++) {
      await Promise.all([...Array.from({ length: 5 }, (_, i) => a.append(text(round * 10 + i))), ...Array.from({ length: 5 }, (_, i) => b.append(text(round * 10 + 5 + i)))]);
    }
    expect(await verify(url)).toEqual([
      { nodeId: 'node-a', records: 100, startSeq: 0, head: a.head, broken: null },
      { nodeId: 'node-b', records: 100, startSeq: 0, head: b.head, broken: null },
    ]);
  });

  it('keeps a compact record (nothing readable past the MTI): the columns it lacks are NULL', async () => {
    const { url, stores } = await database('node-a');
    const w = await writer(stores[0]);
    const compact = { id: '0190a4f2-0000-7000-8000-00000000c0de', trace_id: 'c0de'.padStart(32, '0'), received_at: '2026-11-23T20:30:00.000001Z', completed_at: '2026-11-23T20:30:00.000101Z',
      duration_us: 100, source: { conn_id: 'c1', remote: '127.0.0.1:40000' }, frame_bytes: 7, request: { mti: '0100' }, outcome: { response_code: '30' }, response: null,
      error: { code: 'CODEC_TRUNCATED', field: 'bitmap', offset: 4 } };
    await w.append(JSON.stringify(compact));
    expect(await sqlRows(url, 'SELECT mti, stan, rrn, pan, issuer, response_code FROM isotrace.txn_log')).toEqual([{ mti: '0100', stan: null, rrn: null, pan: null, issuer: null, response_code: '30' }]);
    expect((await verify(url))[0].broken).toBe(null);
  });

  it('stores a record holding U+0000 (which JSONB refuses) with U+FFFD, without failing the others of its batch', async () => {
    const { url, stores } = await database('node-a');
    const w = await writer(stores[0]);
    const nul = sampleRecord(2);
    (nul.request as Record<string, unknown>).merchant_id = 'MERCH\u0000ANT';
    await Promise.all([w.append(text(1)), w.append(JSON.stringify(nul)), w.append(text(3))]);
    const rows = await sqlRows<{ merchant: string }>(url, "SELECT record->'request'->>'merchant_id' AS merchant FROM isotrace.txn_log ORDER BY seq");
    expect(rows.map((r) => r.merchant)).toEqual(['MERCHANT0000001', 'MERCH\ufffdANT', 'MERCHANT0000001']);
    expect((await verify(url))[0]).toMatchObject({ records: 3, broken: null });
  });

  it('does not wait in async mode, and commits the records all the same', async () => {
    const { url, stores } = await database('node-a');
    const w = await writer(stores[0], { mode: 'async' });
    let settled = 0;
    const appended = [1, 2, 3].map((i) => w.append(text(i)).then(() => settled++));
    await Promise.resolve();
    await Promise.all(appended);
    expect(settled).toBe(3);
    expect(w.seq).toBe(0); // answered before the batch was even sent
    await w.whenWritten();
    await w.close();
    expect(w.seq).toBe(3);
    expect((await verify(url))[0]).toMatchObject({ records: 3, broken: null });
  });

  it('rejects a record that is not one JSON object, and records after close', async () => {
    const { stores } = await database('node-a');
    const w = await writer(stores[0]);
    await expect(w.append('[1]')).rejects.toMatchObject({ code: 'AUDIT_BAD_RECORD' });
    await w.close();
    await expect(w.append(text(1))).rejects.toMatchObject({ code: 'AUDIT_CLOSED' });
  });
});

describe('verifyTxnLog', () => {
  /** Ten records of node-a and five of node-b, then `tamper`; what verify says of each node. */
  async function tampered(tamper: string): Promise<Awaited<ReturnType<typeof verifyTxnLog>>> {
    const { url, stores } = await database('node-a', 'node-b');
    const [a, b] = await Promise.all(stores.map((s) => writer(s)));
    await Promise.all([...Array.from({ length: 10 }, (_, i) => a.append(text(i + 1))), ...Array.from({ length: 5 }, (_, i) => b.append(text(i + 100)))]);
    await sqlRows(url, tamper);
    return verify(url);
  }

  it.each([
    ['the JSONB record edited', `UPDATE isotrace.txn_log SET record = jsonb_set(record, '{outcome,response_code}', '"05"') WHERE node_id = 'node-a' AND seq = 4`, 4, 'JSONB record does not match'],
    ['the record text edited', `UPDATE isotrace.txn_log SET record_text = replace(record_text, '"approved"', '"declined"') WHERE node_id = 'node-a' AND seq = 6`, 6, 'hash does not match'],
    ['text and JSONB edited together', `UPDATE isotrace.txn_log SET record_text = replace(record_text, '"00"', '"05"'), record = (replace(record_text, '"00"', '"05"'))::jsonb WHERE node_id = 'node-a' AND seq = 3`, 3, 'hash does not match'],
    ['a row deleted', `DELETE FROM isotrace.txn_log WHERE node_id = 'node-a' AND seq = 5`, 5, 'seq 5 missing'],
    ['a searchable column edited', `UPDATE isotrace.txn_log SET rrn = '000000000000' WHERE node_id = 'node-a' AND seq = 8`, 8, 'rrn column does not match'],
    ['received_at edited', `UPDATE isotrace.txn_log SET received_at = received_at - interval '1 day' WHERE node_id = 'node-a' AND seq = 2`, 2, 'received_at column does not match'],
    ['a row re-chained by seq', `UPDATE isotrace.txn_log SET seq = seq + 100 WHERE node_id = 'node-a' AND seq = 10`, 10, 'seq 10 to 109 missing'],
  ])('finds %s, naming node and seq; the other node stays intact', async (_what, tamper, seq, reason) => {
    const [a, b] = await tampered(tamper);
    expect(a).toMatchObject({ nodeId: 'node-a', records: seq - 1, broken: { seq, reason: expect.stringContaining(reason) } });
    expect(b).toMatchObject({ nodeId: 'node-b', records: 5, broken: null });
  });
});

describe('verifyTxnLog and the sealed heads', () => {
  it.each([
    ['the last records deleted', `DELETE FROM isotrace.txn_log WHERE node_id = 'node-a' AND seq >= 9`, 9, 8, 'seq 9 to 10 missing: the chain ends at seq 8, but its sealed head counts 10'],
    ['the last record deleted and the head moved back over it', `DELETE FROM isotrace.txn_log WHERE node_id = 'node-a' AND seq = 10;
      UPDATE isotrace.txn_log_heads h SET seq = 9, hash = t.hash FROM isotrace.txn_log t WHERE h.node_id = 'node-a' AND t.node_id = 'node-a' AND t.seq = 9`, 9, 9, "sealed head's mac does not match"],
    ['the sealed head deleted', `DELETE FROM isotrace.txn_log_heads WHERE node_id = 'node-a'`, 10, 10, 'no sealed head'],
    ['every record of the node deleted', `DELETE FROM isotrace.txn_log WHERE node_id = 'node-a'`, 1, 0, 'seq 1 to 10 missing'],
  ])('finds %s, naming node and seq', async (_what, tamper, seq, records, reason) => {
    const { url, stores } = await database('node-a', 'node-b');
    const [a, b] = await Promise.all(stores.map((s) => writer(s)));
    await Promise.all([...Array.from({ length: 10 }, (_, i) => a.append(text(i + 1))), ...Array.from({ length: 5 }, (_, i) => b.append(text(i + 100)))]);
    await sqlRows(url, tamper);
    const [nodeA, nodeB] = await verify(url);
    expect(nodeA).toMatchObject({ nodeId: 'node-a', records, broken: { seq, reason: expect.stringContaining(reason) } });
    expect(nodeB).toMatchObject({ nodeId: 'node-b', records: 5, broken: null });
  });

  it('keeps the sealed head at the last committed batch, written in the same statement', async () => {
    const { url, stores } = await database('node-a');
    const w = await writer(stores[0]);
    await Promise.all([1, 2, 3].map((i) => w.append(text(i))));
    expect(await sqlRows(url, 'SELECT node_id, seq, hash FROM isotrace.txn_log_heads')).toEqual([{ node_id: 'node-a', seq: '3', hash: w.head }]);
  });
});

describe('TxnLogWriter when the database goes away', () => {
  it('fails strict records with STORE_UNAVAILABLE, writes nothing half, and goes on by itself once the database is back', async () => {
    const { url, stores } = await database('node-a');
    const logger = new LogCollector();
    const w = await writer(stores[0], { logger });
    await Promise.all([1, 2, 3].map((i) => w.append(text(i))));
    await pgFile.server.stopServer();
    let failed: unknown;
    try {
      await Promise.all([4, 5, 6].map((i) => w.append(text(i))));
    } catch (err) {
      failed = err;
    } finally {
      await pgFile.server.startServer();
    }
    expect(failed).toBeInstanceOf(StoreError);
    expect(failed).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('3 audit records not written') });
    expect(w.seq).toBe(3);
    expect(logger.lines.some((l) => l.evt === 'audit.write_failed')).toBe(true);
    await Promise.all([7, 8].map((i) => w.append(text(i))));
    expect(w.seq).toBe(5);
    expect(logger.lines.some((l) => l.evt === 'audit.write_recovered')).toBe(true);
    expect((await verify(url))[0]).toMatchObject({ records: 5, head: w.head, broken: null });
  }, 30_000);

  it('reads the head again after a lost connection: records committed meanwhile are not forked', async () => {
    const { url, stores } = await database('node-a');
    const w = await writer(stores[0]);
    await w.append(text(1));
    // Its connection is cut, and records are committed meanwhile (as a COMMIT whose answer was
    // lost would be): they extend the chain in the table, not in the writer's memory.
    await sqlRows(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'isotrace node-a'");
    const other = await writer(stores[0]);
    await other.append(text(2));
    await other.close();
    await expect(w.append(text(3))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await w.append(text(4));
    expect(w.seq).toBe(3);
    expect((await verify(url))[0]).toMatchObject({ records: 3, broken: null });
  }, 30_000);

  it('never forks a chain: a batch behind the table is refused by UNIQUE (node_id, seq), and the next one follows the table', async () => {
    const { url, stores } = await database('node-a');
    const w = await writer(stores[0]);
    await w.append(text(1));
    const other = await writer(stores[0]);
    await other.append(text(2));
    await other.close();
    await expect(w.append(text(3))).rejects.toMatchObject({ constructor: StoreError, code: 'STORE_QUERY_FAILED', message: expect.stringContaining('23505') });
    expect((await sqlRows(url, 'SELECT seq FROM isotrace.txn_log')).length).toBe(2);
    await w.append(text(4));
    expect((await verify(url))[0]).toMatchObject({ records: 3, head: w.head, broken: null });
  }, 30_000);
});

describe('TxnLogWriter with retention', () => {
  const DAY = 86_400_000;
  const NOW = Date.parse('2026-12-01T12:00:00Z');
  /** Record i received `daysAgo` days before NOW. */
  const aged = (i: number, daysAgo: number): string => JSON.stringify({ ...sampleRecord(i), received_at: new Date(NOW - daysAgo * DAY).toISOString() });

  it('removes the records past the retention, never the newest, and verify begins at the sealed start', async () => {
    const { url, stores } = await database('node-a');
    const key = Buffer.from('retention test key');
    const w = await writer(stores[0], { key, retentionDays: 30, nowMs: () => NOW });
    // Records 1-4 are 40 days old, 5-6 ten days; 7 is 40 days old again (a late one) but after them.
    for (const [i, days] of [[1, 40], [2, 40], [3, 40], [4, 40], [5, 10], [6, 10], [7, 40]] as const) await w.append(aged(i, days));
    expect(await w.prune()).toBe(4);
    expect((await sqlRows<{ seq: string }>(url, 'SELECT seq FROM isotrace.txn_log ORDER BY seq')).map((r) => r.seq)).toEqual(['5', '6', '7']);
    const [result] = await verify(url, key);
    expect(result).toMatchObject({ nodeId: 'node-a', startSeq: 4, records: 3, broken: null });
    expect(await w.prune()).toBe(0); // 7 is old, but past 5 and 6, which are not
    // The newest record stays whatever its age: the writer's head is read from it.
    const v = await writer((await database('node-b')).stores[0], { retentionDays: 1, nowMs: () => NOW });
    for (const i of [1, 2, 3]) await v.append(aged(i, 9));
    expect(await v.prune()).toBe(2);
  });

  it('still finds a record removed after the start, a start edited, and a start forged without the key', async () => {
    const { url, stores } = await database('node-a');
    const key = Buffer.from('retention test key');
    const w = await writer(stores[0], { key, retentionDays: 30, nowMs: () => NOW });
    for (let i = 1; i <= 8; i++) await w.append(aged(i, i <= 3 ? 40 : 1));
    expect(await w.prune()).toBe(3);
    await sqlRows(url, "DELETE FROM isotrace.txn_log WHERE node_id = 'node-a' AND seq = 6");
    expect((await verify(url, key))[0].broken).toEqual({ seq: 6, reason: 'seq 6 missing: records were removed' });
    // A start moved on past a removed record, its mac made without the key.
    await sqlRows(url, "UPDATE isotrace.txn_log_starts SET seq = 6, hash = (SELECT hash FROM isotrace.txn_log WHERE seq = 7), mac = 'x'");
    expect((await verify(url, key))[0].broken?.reason).toMatch(/chain start's mac does not match/);
    // The start row removed: the chain must begin at seq 1, and does not.
    await sqlRows(url, 'DELETE FROM isotrace.txn_log_starts');
    expect((await verify(url, key))[0].broken).toEqual({ seq: 1, reason: 'seq 1 to 3 missing: records were removed' });
  });
});
