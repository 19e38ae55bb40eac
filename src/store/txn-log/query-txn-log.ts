// Querying the transaction log (audit list, show, tail with --store): the filters of AuditQuery as
// SQL over the indexed columns, the newest records first; the last N; and following new rows of
// every node's chain. Records come back as they were sealed (their exact text, parsed). Read-only.

import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditError, auditRecordProblem, isStoredAuditRecord, parseLine, type AuditQuery, type StoredAuditRecord } from '../../audit/index.js';
import { storeErrorOf } from '../store-error.js';

export interface TxnLogEntry {
  nodeId: string;
  seq: number;
  /** The record as stored, `prev` and `hash` included. */
  record: StoredAuditRecord;
}

/** Each node's last seq seen: where following goes on from. */
export type NodeSeqs = Map<string, number>;

/** Rows read per poll of each node while following. */
const FOLLOW_ROWS = 1000;
const NEWEST_FIRST = 'ORDER BY received_at DESC, node_id, seq DESC';

type Row = { node_id: string; seq: string; record_text: string };

function entryOf(row: Row): TxnLogEntry {
  const parsed = parseLine(row.record_text);
  const where = `node "${row.node_id}" seq ${row.seq}`;
  if (!('record' in parsed)) throw new AuditError('AUDIT_BAD_RECORD', `${where}: ${parsed.reason}`);
  if (!isStoredAuditRecord(parsed.record)) throw new AuditError('AUDIT_BAD_RECORD', `${where}: not an audit record (${auditRecordProblem(parsed.record)})`);
  return { nodeId: row.node_id, seq: Number(row.seq), record: parsed.record };
}

async function select(client: pg.ClientBase, what: string, sql: string, params: unknown[]): Promise<Row[]> {
  try {
    return (await client.query<Row>(sql, params)).rows;
  } catch (err) {
    throw storeErrorOf(err, what);
  }
}

/** `LIKE` text matching `text` literally at the start. */
const prefixPattern = (text: string): string => `${text.replace(/[\\%_]/g, '\\$&')}%`;

/** The WHERE clause and parameters of `query` (AuditQuery's meaning, as matchesQuery applies it to files). */
export function whereOf(query: AuditQuery): { where: string; params: unknown[] } {
  const terms: string[] = [];
  const params: unknown[] = [];
  const term = (sql: (p: string) => string, value: unknown): void => {
    params.push(value);
    terms.push(sql(`$${params.length}`));
  };
  if (query.sinceMs !== undefined) term((p) => `received_at >= to_timestamp(${p}::double precision / 1000)`, query.sinceMs);
  if (query.untilMs !== undefined) term((p) => `received_at < to_timestamp(${p}::double precision / 1000)`, query.untilMs);
  if (query.terminalId !== undefined) term((p) => `terminal_id = ${p}`, query.terminalId);
  if (query.responseCode !== undefined) term((p) => `response_code = ${p}`, query.responseCode);
  if (query.mti !== undefined) term((p) => `mti = ${p}`, query.mti);
  if (query.stan !== undefined) term((p) => `stan = ${p}`, query.stan);
  if (query.rrn !== undefined) term((p) => `rrn = ${p}`, query.rrn);
  if (query.key !== undefined) {
    params.push(query.key, prefixPattern(query.key.toLowerCase()));
    const [key, prefix] = [`$${params.length - 1}`, `$${params.length}`];
    terms.push(`(rrn = ${key} OR record_id LIKE ${prefix} OR trace_id LIKE ${prefix})`);
  }
  return { where: terms.length === 0 ? '' : `WHERE ${terms.join(' AND ')}`, params };
}

/**
 * The newest `limit` records matching `query`, newest first (by received_at): audit list. Reads no
 * more rows than it returns (the received_at index, backwards).
 * @throws StoreError; AuditError AUDIT_BAD_RECORD for a row whose text is not a record.
 */
export async function queryTxnLog(client: pg.ClientBase, query: AuditQuery, limit: number): Promise<TxnLogEntry[]> {
  const { where, params } = whereOf(query);
  const rows = await select(client, 'querying the transaction log',
    `SELECT node_id, seq, record_text FROM isotrace.txn_log ${where} ${NEWEST_FIRST} LIMIT ${Math.max(0, Math.floor(limit))}`, params);
  return rows.map(entryOf);
}

/**
 * As queryTxnLog, and how many records match in all (audit show): counted only when there are
 * more than `limit`.
 * @throws StoreError; AuditError AUDIT_BAD_RECORD.
 */
export async function findTxnLogRecords(client: pg.ClientBase, query: AuditQuery, limit: number): Promise<{ entries: TxnLogEntry[]; matched: number }> {
  const entries = await queryTxnLog(client, query, limit + 1);
  if (entries.length <= limit) return { entries, matched: entries.length };
  const { where, params } = whereOf(query);
  const counted = await select(client, 'counting in the transaction log', `SELECT count(*) AS matched FROM isotrace.txn_log ${where}`, params);
  return { entries: entries.slice(0, limit), matched: Number((counted[0] as unknown as { matched: string }).matched) };
}

/**
 * The last `limit` records (oldest first) and each node's last seq, read in one snapshot: following
 * goes on from there without a record twice or missed.
 * @throws StoreError; AuditError AUDIT_BAD_RECORD.
 */
export async function lastTxnLogEntries(client: pg.ClientBase, limit: number): Promise<{ entries: TxnLogEntry[]; after: NodeSeqs }> {
  await select(client, 'reading the transaction log', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', []);
  try {
    const heads = await select(client, 'reading the transaction log',
      'SELECT n.node_id, (SELECT max(seq) FROM isotrace.txn_log t WHERE t.node_id = n.node_id) AS seq, \'\' AS record_text FROM isotrace.nodes n', []);
    const rows = limit <= 0 ? [] : await select(client, 'reading the transaction log',
      `SELECT node_id, seq, record_text FROM isotrace.txn_log ${NEWEST_FIRST} LIMIT ${limit}`, []);
    const after: NodeSeqs = new Map(heads.map((h) => [h.node_id, h.seq === null ? 0 : Number(h.seq)]));
    return { entries: rows.map(entryOf).reverse(), after };
  } finally {
    await client.query('COMMIT').catch(() => {});
  }
}

/**
 * Yields every record committed after `after` (updated as it goes), node by node in seq order and
 * each poll's records by received_at, until `signal` fires. Nodes that appear later are followed
 * from their first record.
 * @throws StoreError; AuditError AUDIT_BAD_RECORD.
 */
export async function* followTxnLog(client: pg.ClientBase, after: NodeSeqs, options: { signal?: AbortSignal; pollIntervalMs?: number } = {}): AsyncGenerator<TxnLogEntry, void, undefined> {
  const { signal } = options;
  while (signal?.aborted !== true) {
    const rows = await select(client, 'following the transaction log', `
      SELECT l.node_id, l.seq, l.record_text FROM isotrace.nodes n
      LEFT JOIN unnest($1::text[], $2::bigint[]) AS k(node_id, seq) ON k.node_id = n.node_id
      CROSS JOIN LATERAL (SELECT t.node_id, t.seq, t.record_text, t.received_at FROM isotrace.txn_log t
        WHERE t.node_id = n.node_id AND t.seq > COALESCE(k.seq, 0) ORDER BY t.seq LIMIT ${FOLLOW_ROWS}) l
      ORDER BY l.received_at, l.node_id, l.seq`, [[...after.keys()], [...after.values()]]);
    for (const row of rows) {
      const entry = entryOf(row);
      after.set(entry.nodeId, Math.max(after.get(entry.nodeId) ?? 0, entry.seq));
      yield entry;
    }
    if (rows.length > 0) continue;
    try {
      await sleep(options.pollIntervalMs ?? 200, undefined, { signal });
    } catch {
      return;
    }
  }
}
