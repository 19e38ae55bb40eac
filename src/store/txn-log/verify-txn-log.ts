// verifyTxnLog: checks every node's chain in isotrace.txn_log, as verifyAudit checks the files: seq
// contiguous from 1, each prev the hash of the record before, each hash the digest (HMAC with the
// key) of the exact text that was sealed, and the JSONB record and the searchable columns still what
// that text says. Reports the first break of each node. Read-only; safe while nodes write.

import type pg from 'pg';
import { isDeepStrictEqual } from 'node:util';
import { AuditError, GENESIS_HASH, chainDigest, checkLine, parseLine, type Digest } from '../../audit/index.js';
import { ConfigError } from '../../shared/index.js';
import { storeErrorOf } from '../store-error.js';
import { RECORD_COLUMNS, valueAt } from './columns.js';

export interface NodeChainResult {
  nodeId: string;
  /** Records checked up to the first break (all of them when there is none). */
  records: number;
  /** Hash of the last record checked. */
  head: string;
  /** The first break: the seq of the row at fault and why; null when the chain holds. */
  broken: { seq: number; reason: string } | null;
}

/** Rows read per query: a node's chain is read a page at a time, never whole. */
const PAGE_ROWS = 2000;

/** Every node that has records: an index skip over the primary key, not a scan of the table. */
const NODES_SQL = `
  WITH RECURSIVE n AS (
    (SELECT node_id FROM isotrace.txn_log ORDER BY node_id LIMIT 1)
    UNION ALL
    SELECT (SELECT t.node_id FROM isotrace.txn_log t WHERE t.node_id > n.node_id ORDER BY t.node_id LIMIT 1) FROM n WHERE n.node_id IS NOT NULL
  ) SELECT node_id FROM n WHERE node_id IS NOT NULL`;

const PAGE_SQL = `
  SELECT seq, prev, hash, keyed, floor(extract(epoch FROM received_at) * 1000) AS received_ms,
    ${RECORD_COLUMNS.map((c) => c.column).join(', ')}, record_text, record
  FROM isotrace.txn_log WHERE node_id = $1 AND seq > $2 ORDER BY seq LIMIT ${PAGE_ROWS}`;

type Row = Record<string, unknown> & { seq: string; prev: string; hash: string; keyed: boolean; received_ms: string; record_text: string; record: unknown };

/** The node ids with records, in order. @throws StoreError. */
export async function txnLogNodes(client: pg.ClientBase): Promise<string[]> {
  try {
    return (await client.query<{ node_id: string }>(NODES_SQL)).rows.map((r) => r.node_id);
  } catch (err) {
    throw storeErrorOf(err, 'listing the nodes of the transaction log');
  }
}

/**
 * Checks every node's chain, nodes in id order.
 * @throws AuditError AUDIT_KEY_REQUIRED when `key` is null and a node's records are keyed;
 *   ConfigError for an empty key; StoreError STORE_UNAVAILABLE, STORE_QUERY_FAILED.
 */
export async function verifyTxnLog(client: pg.ClientBase, key: Buffer | null): Promise<NodeChainResult[]> {
  if (key !== null && (!Buffer.isBuffer(key) || key.length === 0)) throw new ConfigError('audit.key', 'expected a non-empty Buffer or null');
  const digest = chainDigest(key);
  const results: NodeChainResult[] = [];
  for (const nodeId of await txnLogNodes(client)) results.push(await verifyNode(client, nodeId, key !== null, digest));
  return results;
}

async function verifyNode(client: pg.ClientBase, nodeId: string, isKeyed: boolean, digest: Digest): Promise<NodeChainResult> {
  let seq = 0;
  let prev = GENESIS_HASH;
  for (;;) {
    let rows: Row[];
    try {
      rows = (await client.query<Row>(PAGE_SQL, [nodeId, seq])).rows;
    } catch (err) {
      throw storeErrorOf(err, `reading node "${nodeId}"'s audit chain`);
    }
    for (const row of rows) {
      const at = Number(row.seq);
      const reason = at !== seq + 1 ? `seq ${seq + 1}${at > seq + 2 ? ` to ${at - 1}` : ''} missing: records were removed` : rowProblem(row, prev, isKeyed, digest, nodeId);
      if (reason !== null) return { nodeId, records: seq, head: prev, broken: { seq: at !== seq + 1 ? seq + 1 : at, reason } };
      seq = at;
      prev = row.hash;
    }
    if (rows.length < PAGE_ROWS) return { nodeId, records: seq, head: prev, broken: null };
  }
}

/** Why `row` breaks the chain after `prev`, or null. */
function rowProblem(row: Row, prev: string, isKeyed: boolean, digest: Digest, nodeId: string): string | null {
  if (row.keyed && !isKeyed) throw new AuditError('AUDIT_KEY_REQUIRED', `node "${nodeId}" seq ${row.seq} is keyed (HMAC-SHA-256): the chain cannot be verified without its key`);
  if (!row.keyed && isKeyed) return 'says the chain is not keyed (plain SHA-256), yet a key was given';
  const parsed = parseLine(row.record_text);
  if (!('record' in parsed)) return `its record text is ${parsed.reason}`;
  const broken = checkLine(parsed, prev, digest);
  if (broken !== null) return broken;
  if (row.prev !== parsed.prev || row.hash !== parsed.hash) return 'its prev or hash column does not match its record text: the row was edited';
  if (!isDeepStrictEqual(row.record, parsed.record)) return 'its JSONB record does not match its record text: the record was edited';
  for (const c of RECORD_COLUMNS) {
    if (row[c.column] !== valueAt(parsed.record, c)) return `its ${c.column} column does not match its record: the row was edited`;
  }
  if (Number(row.received_ms) !== Date.parse(String(parsed.record.received_at))) return 'its received_at column does not match its record: the row was edited';
  return null;
}
