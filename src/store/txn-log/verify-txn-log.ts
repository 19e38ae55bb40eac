// verifyTxnLog: checks every node's chain in isotrace.txn_log, as verifyAudit checks the files: seq
// contiguous from 1, each prev the hash of the record before, each hash the digest (HMAC with the
// key) of the exact text that was sealed, the JSONB record and the searchable columns still what
// that text says, and the chain reaching its sealed head; from the sealed start retention left, when
// it removed the oldest records. Reports the first break of each node.
// Read-only; safe while nodes write.

import type pg from 'pg';
import { isDeepStrictEqual } from 'node:util';
import { AuditError, GENESIS_HASH, chainDigest, checkLine, parseLine, type Digest } from '../../audit/index.js';
import { ConfigError } from '../../common/index.js';
import { storeErrorOf } from '../store-error.js';
import { headMac, startMac, type ChainHead } from './chain-head.js';
import { RECORD_COLUMNS, valueAt } from './columns.js';

export interface NodeChainResult {
  nodeId: string;
  /** Records checked up to the first break (all of them when there is none). */
  records: number;
  /** The seq of the last record retention removed (the check began after it); 0 when none was. */
  startSeq: number;
  /** Hash of the last record checked. */
  head: string;
  /** The first break: the seq of the row at fault and why; null when the chain holds. */
  broken: { seq: number; reason: string } | null;
}

/** Rows read per query: a node's chain is read a page at a time, never whole. */
const PAGE_ROWS = 2000;

/** Every node that has records (an index skip over the primary key, not a scan of the table) or a sealed head. */
const NODES_SQL = `
  WITH RECURSIVE n AS (
    (SELECT node_id FROM isotrace.txn_log ORDER BY node_id LIMIT 1)
    UNION ALL
    SELECT (SELECT t.node_id FROM isotrace.txn_log t WHERE t.node_id > n.node_id ORDER BY t.node_id LIMIT 1) FROM n WHERE n.node_id IS NOT NULL
  ) SELECT node_id FROM n WHERE node_id IS NOT NULL UNION SELECT node_id FROM isotrace.txn_log_heads
  UNION SELECT node_id FROM isotrace.txn_log_starts ORDER BY node_id`;

const PAGE_SQL = `
  SELECT seq, prev, hash, keyed, floor(extract(epoch FROM received_at) * 1000) AS received_ms,
    ${RECORD_COLUMNS.map((c) => c.column).join(', ')}, record_text, record
  FROM isotrace.txn_log WHERE node_id = $1 AND seq > $2 ORDER BY seq LIMIT ${PAGE_ROWS}`;

type Row = Record<string, unknown> & { seq: string; prev: string; hash: string; keyed: boolean; received_ms: string; record_text: string; record: unknown };

/** The node ids with records or a sealed head, in order. @throws StoreError. */
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
  // Read before the rows: every record it counts was committed with it, so the walk will see them.
  // The start first: a retention run between the two reads moves the start past what the walk reads.
  const start = await sealedOf(client, nodeId, 'txn_log_starts', 'start');
  const sealed = await sealedOf(client, nodeId, 'txn_log_heads', 'sealed head');
  const startSeq = start?.seq ?? 0;
  if (start !== null && startMac(digest, nodeId, start) !== start.mac) {
    return { nodeId, records: 0, startSeq, head: GENESIS_HASH, broken: { seq: start.seq + 1, reason: "its chain start's mac does not match (isotrace.txn_log_starts): the start was edited, or the key is wrong" } };
  }
  const result = (seq: number, head: string, broken: NodeChainResult['broken']): NodeChainResult => ({ nodeId, records: seq - startSeq, startSeq, head, broken });
  let seq = startSeq;
  let prev = start?.hash ?? GENESIS_HASH;
  let sealedHash: string | null = null;
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
      if (reason !== null) return result(seq, prev, { seq: at !== seq + 1 ? seq + 1 : at, reason });
      seq = at;
      prev = row.hash;
      if (at === sealed?.seq) sealedHash = prev;
    }
    if (rows.length < PAGE_ROWS) return result(seq, prev, sealedHeadProblem(nodeId, sealed, seq, startSeq, sealedHash, digest));
  }
}

type SealedHead = ChainHead & { mac: string };

/** The node's row of `table` (its sealed head, or the start retention left), or null. */
async function sealedOf(client: pg.ClientBase, nodeId: string, table: 'txn_log_heads' | 'txn_log_starts', what: string): Promise<SealedHead | null> {
  try {
    const { rows } = await client.query<{ seq: string; hash: string; mac: string }>(`SELECT seq, hash, mac FROM isotrace.${table} WHERE node_id = $1`, [nodeId]);
    return rows.length === 0 ? null : { seq: Number(rows[0].seq), hash: rows[0].hash, mac: rows[0].mac };
  } catch (err) {
    throw storeErrorOf(err, `reading node "${nodeId}"'s ${what}`);
  }
}

/** Why a chain that holds from `startSeq` up to `seq` (`sealedHash`: its hash at the head's seq) does not match its sealed head, or null. */
function sealedHeadProblem(nodeId: string, sealed: SealedHead | null, seq: number, startSeq: number, sealedHash: string | null, digest: Digest): NodeChainResult['broken'] {
  if (sealed === null) return seq === startSeq && startSeq === 0 ? null : { seq, reason: 'its chain has no sealed head (isotrace.txn_log_heads): it was removed, so records cut off the end cannot be ruled out' };
  if (headMac(digest, nodeId, sealed) !== sealed.mac) return { seq: sealed.seq, reason: "its sealed head's mac does not match: the head was edited, or the key is wrong" };
  if (seq < sealed.seq) return { seq: seq + 1, reason: `seq ${seq + 1}${sealed.seq > seq + 1 ? ` to ${sealed.seq}` : ''} missing: the chain ends at seq ${seq}, but its sealed head counts ${sealed.seq}: records were removed from the end` };
  if (sealedHash !== sealed.hash) return { seq: sealed.seq, reason: 'is not the record its sealed head names: the chain was changed' };
  return null;
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
