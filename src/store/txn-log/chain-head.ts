// The head of one node's chain in isotrace.txn_log: its last committed record's seq and hash, read
// by the writer at start and again after a failed batch; the sealed head the writer commits with
// each batch (isotrace.txn_log_heads), by which verify finds records cut off the chain's end; and
// the sealed start retention leaves (isotrace.txn_log_starts), from which verify begins.

import type pg from 'pg';
import { GENESIS_HASH, type Digest } from '../../audit/index.js';
import { storeErrorOf } from '../store-error.js';

export interface ChainHead {
  /** Seq of the node's last record; 0 before its first. */
  readonly seq: number;
  /** Its hash; GENESIS_HASH before the first. */
  readonly hash: string;
}

/**
 * The head of `nodeId`'s chain as committed.
 * @throws StoreError STORE_UNAVAILABLE, STORE_QUERY_FAILED.
 */
export async function readChainHead(client: pg.ClientBase, nodeId: string): Promise<ChainHead> {
  try {
    const { rows } = await client.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM isotrace.txn_log WHERE node_id = $1 ORDER BY seq DESC LIMIT 1', [nodeId]);
    return rows.length === 0 ? { seq: 0, hash: GENESIS_HASH } : { seq: Number(rows[0].seq), hash: rows[0].hash };
  } catch (err) {
    throw storeErrorOf(err, `reading the head of node "${nodeId}"'s audit chain`);
  }
}

/**
 * The mac of a sealed head: the chain's digest (SHA-256, or HMAC with the audit key) of
 * `{"node_id":…,"seq":…,"hash":…}`. Without the key anyone can recompute it, as the files' head.
 */
export function headMac(digest: Digest, nodeId: string, head: ChainHead): string {
  return digest(JSON.stringify({ node_id: nodeId, seq: head.seq, hash: head.hash }));
}

/**
 * The mac of a sealed start (the last record retention removed): the chain's digest of
 * `{"node_id":…,"start":…,"hash":…}`, never a head's text, so that a head copied there is no start.
 */
export function startMac(digest: Digest, nodeId: string, start: ChainHead): string {
  return digest(JSON.stringify({ node_id: nodeId, start: start.seq, hash: start.hash }));
}
