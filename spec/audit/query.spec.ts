// Audit queries: filters (time range, terminal, RC, MTI, STAN, RRN), newest first with a limit,
// the last N in chain order, and lookup by record id, trace id or RRN, across rotated files.

import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditRecordProblem, findAuditRecords, isStoredAuditRecord, lastAuditEntries, matchesQuery, queryAudit, type AuditEntry, type AuditQuery, type StoredAuditRecord } from '../../src/audit/index.js';
import { auditFiles, sampleRecord, writtenLog } from './helpers/audit-fixtures.js';

const T0 = Date.UTC(2026, 10, 23, 20, 30);

/** Record i: received i minutes after T0; every third on TERM0002 and declined (05); every fourth a 0200. */
function record(i: number): Record<string, unknown> {
  const r = sampleRecord(i);
  const request = r.request as Record<string, unknown>;
  r.received_at = new Date(T0 + i * 60_000).toISOString().replace('Z', '456Z');
  if (i % 3 === 0) {
    request.terminal_id = 'TERM0002';
    r.outcome = { response_code: '05', approval_code: null, reason: 'declined', duplicate: false };
  }
  if (i % 4 === 0) request.mti = '0200';
  return r;
}

const N = 12;
const ids = (entries: AuditEntry[]): unknown[] => entries.map((e) => e.record.id);

/** `r` as the reader returns it once written (prev and hash added), through the reader's guard. */
function stored(r: Record<string, unknown>): StoredAuditRecord {
  const s = { ...r, prev: GENESIS_HASH, hash: GENESIS_HASH };
  if (!isStoredAuditRecord(s)) throw new Error(`not an audit record: ${auditRecordProblem(s)}`);
  return s;
}
const idsOf = (...is: number[]): unknown[] => is.map((i) => sampleRecord(i).id);

async function rotatedLog(): Promise<string> {
  const dir = await writtenLog(Array.from({ length: N }, (_, i) => record(i)), null, 1700);
  expect(auditFiles(dir).length).toBeGreaterThan(2);
  return dir;
}

describe('matchesQuery', () => {
  it.each<[string, AuditQuery, boolean]>([
    ['no filters', {}, true],
    ['since at the received time', { sinceMs: T0 + 3 * 60_000 }, true],
    ['since after the received time', { sinceMs: T0 + 3 * 60_000 + 1 }, false],
    ['until at the received time (exclusive)', { untilMs: T0 + 3 * 60_000 }, false],
    ['until after the received time', { untilMs: T0 + 4 * 60_000 }, true],
    ['terminal matches', { terminalId: 'TERM0002' }, true],
    ['terminal differs', { terminalId: 'TERM0001' }, false],
    ['rc matches', { responseCode: '05' }, true],
    ['rc differs', { responseCode: '00' }, false],
    ['mti differs', { mti: '0200' }, false],
    ['stan and rrn match', { stan: '000003', rrn: '632700000301' }, true],
    ['stan differs', { stan: '000004' }, false],
  ])('decides %s when filtering one record', (_, query, expected) => {
    expect(matchesQuery(stored(record(3)), query)).toBe(expected);
  });

  it('drops a record without a parsable received_at when a time filter is set', () => {
    expect(matchesQuery(stored({ ...record(1), received_at: 'yesterday' }), { sinceMs: 0 })).toBe(false);
    expect(matchesQuery(stored({ ...record(1), received_at: 'yesterday' }), {})).toBe(true);
  });
});

describe('queryAudit', () => {
  it('returns every record newest first across rotated files when nothing filters', async () => {
    const dir = await rotatedLog();
    expect(ids(await queryAudit(dir, {}, 100))).toEqual(idsOf(11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
  });

  it('keeps the newest matches when the limit is smaller than the matches', async () => {
    const dir = await rotatedLog();
    expect(ids(await queryAudit(dir, {}, 3))).toEqual(idsOf(11, 10, 9));
    expect(ids(await queryAudit(dir, { terminalId: 'TERM0002' }, 2))).toEqual(idsOf(9, 6));
  });

  it('combines filters: time range, terminal, RC and MTI', async () => {
    const dir = await rotatedLog();
    const range = { sinceMs: T0 + 2 * 60_000, untilMs: T0 + 9 * 60_000 };
    expect(ids(await queryAudit(dir, range, 50))).toEqual(idsOf(8, 7, 6, 5, 4, 3, 2));
    expect(ids(await queryAudit(dir, { ...range, responseCode: '05' }, 50))).toEqual(idsOf(6, 3));
    expect(ids(await queryAudit(dir, { terminalId: 'TERM0002', mti: '0200' }, 50))).toEqual(idsOf(0));
  });

  it('finds one record by STAN or RRN, and none for an unknown one', async () => {
    const dir = await rotatedLog();
    expect(ids(await queryAudit(dir, { stan: '000007' }, 50))).toEqual(idsOf(7));
    expect(ids(await queryAudit(dir, { rrn: '632700001001' }, 50))).toEqual(idsOf(10));
    expect(await queryAudit(dir, { rrn: '999999999999' }, 50)).toEqual([]);
  });
});

describe('lastAuditEntries', () => {
  it('returns the last N in chain order and how many records it read', async () => {
    const dir = await rotatedLog();
    const { entries, seen } = await lastAuditEntries(dir, 4);
    expect(ids(entries)).toEqual(idsOf(8, 9, 10, 11));
    expect(seen).toBe(N);
    expect((await lastAuditEntries(dir, 0)).entries).toEqual([]);
    expect(ids((await lastAuditEntries(dir, 50)).entries)).toHaveLength(N);
  });
});

describe('findAuditRecords', () => {
  const find = async (dir: string, query: AuditQuery) => (await findAuditRecords(dir, query, 50)).entries;

  it('finds a record by record id, by trace id and by RRN in any rotated file, with its file and line', async () => {
    const dir = await rotatedLog();
    const [byId] = await find(dir, { key: String(sampleRecord(1).id) });
    expect(byId?.record.id).toBe(sampleRecord(1).id);
    expect(byId?.file).toMatch(/audit-\d{8}-\d{6}\.ndjson$/);
    expect(ids(await find(dir, { key: String(sampleRecord(10).trace_id) }))).toEqual(idsOf(10));
    expect(ids(await find(dir, { key: '632700000501' }))).toEqual(idsOf(5));
  });

  it('issue #13: finds a record by a unique prefix of its trace id or record id, hex case ignored', async () => {
    const records = [0, 1, 2].map((i) => ({ ...sampleRecord(i), id: `0190a4f${i}-0000-7000-8000-000000000000`, trace_id: `c922e09${i}${'0'.repeat(24)}` }));
    const dir = await writtenLog(records, null);
    expect(ids(await find(dir, { key: 'C922E091' }))).toEqual([records[1].id]);
    expect(ids(await find(dir, { key: '0190a4f2-00' }))).toEqual([records[2].id]);
    expect(ids(await find(dir, { key: 'c922e09' }))).toEqual([records[2].id, records[1].id, records[0].id]);
  });

  it('issue #13: returns every record an RRN repeats in (a duplicate or a reversal), newest first, with the count', async () => {
    const first = record(1);
    const repeat = record(2);
    (repeat.request as Record<string, unknown>).rrn = '632700000101';
    const dir = await writtenLog([first, repeat, record(3)], null);
    expect(await findAuditRecords(dir, { key: '632700000101' }, 1)).toMatchObject({ matched: 2, entries: [{ record: { id: repeat.id } }] });
    expect(ids(await find(dir, { key: '632700000101' }))).toEqual([repeat.id, first.id]);
    expect(ids(await find(dir, { key: '632700000101', stan: String((first.request as { stan: string }).stan) }))).toEqual([first.id]);
  });

  it('issue #13: finds a record by STAN and terminal without a key', async () => {
    const dir = await rotatedLog();
    expect(ids(await find(dir, { stan: '000007', terminalId: 'TERM0001' }))).toEqual(idsOf(7));
  });

  it('returns nothing when nothing matches', async () => {
    const dir = await rotatedLog();
    expect(await findAuditRecords(dir, { key: 'no-such-id' }, 50)).toEqual({ entries: [], matched: 0 });
  });
});
