// TxnLogRetention: removes a node's oldest records from isotrace.txn_log once they are older than
// the retention (auditRetentionDays, as for the audit files), never the chain's newest, on a
// connection of its own so that the writer's batches never wait behind it. Each statement removes a
// bounded slice and seals the chain's new start in the same transaction (txn_log_starts), from
// which verify begins. Logs counts and seqs, never records.

import pg from 'pg';
import type { Digest } from '../../audit/index.js';
import { plural, type Logger } from '../../common/index.js';
import { storeErrorOf } from '../store-error.js';
import { startMac, type ChainHead } from './chain-head.js';

const DAY_MS = 86_400_000;

/** Records removed per statement at most: a slice, so that no statement runs long. */
const SLICE_ROWS = 10_000;

export interface TxnLogRetentionOptions {
  /** What pg.Client takes (the writer's connection settings). */
  connection: pg.ClientConfig;
  nodeId: string;
  /** Records received longer ago than this many days go; > 0. */
  retentionDays: number;
  /** The chain's digest: the new start is sealed with it. */
  digest: Digest;
  logger: Logger;
  /** Default Date.now. */
  nowMs?: () => number;
  /** How often to look, ms. Default 600000 (10 min). */
  everyMs?: number;
}

/** The first look after start, ms: once the switch is up, not in its way while it starts. */
const FIRST_LOOK_MS = 60_000;

const START_SQL = 'SELECT seq FROM isotrace.txn_log_starts WHERE node_id = $1';

/** The newest record of the slice after the start that is old enough, never the chain's newest. */
const LAST_OLD_SQL = `
  SELECT seq, hash FROM isotrace.txn_log
  WHERE node_id = $1 AND seq > $2 AND seq <= $2 + ${SLICE_ROWS} AND received_at < $3
    AND seq < (SELECT max(seq) FROM isotrace.txn_log WHERE node_id = $1)
  ORDER BY seq DESC LIMIT 1`;

/** Removes the records up to $2 and seals the start there, in one transaction. */
const PRUNE_SQL = `
  WITH gone AS (DELETE FROM isotrace.txn_log WHERE node_id = $1 AND seq <= $2)
  INSERT INTO isotrace.txn_log_starts AS s (node_id, seq, hash, mac) VALUES ($1, $2, $3, $4)
  ON CONFLICT (node_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, mac = EXCLUDED.mac, pruned_at = now()`;

export class TxnLogRetention {
  readonly #o: Required<TxnLogRetentionOptions>;
  #client: pg.Client | null = null;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;
  #isClosed = false;

  /** Looks a minute after start (or after `everyMs`, if sooner), then every `everyMs`. */
  constructor(options: TxnLogRetentionOptions) {
    this.#o = { nowMs: Date.now, everyMs: 600_000, ...options };
    this.#timer = setTimeout(() => {
      this.#tick();
      this.#timer = setInterval(this.#tick, this.#o.everyMs);
      this.#timer.unref();
    }, Math.min(FIRST_LOOK_MS, this.#o.everyMs));
    this.#timer.unref();
  }

  /**
   * Removes what is past the retention now, after the run under way if one is: how many records.
   * @throws StoreError when the store cannot do it (the timer's runs log it instead).
   */
  prune(): Promise<number> {
    const run = (this.#running ?? Promise.resolve(0)).catch(() => 0).then(() => this.#prune());
    this.#running = run;
    const done = (): void => {
      if (this.#running === run) this.#running = null;
    };
    run.then(done, done);
    return run;
  }

  /** Stops the timer, waits for a run under way, ends the connection. */
  async close(): Promise<void> {
    this.#isClosed = true;
    if (this.#timer !== null) clearTimeout(this.#timer); // a timeout or an interval: either clears both
    await this.#running?.catch(() => {});
    await this.#client?.end().catch(() => {});
    this.#client = null;
  }

  readonly #tick = (): void => {
    if (this.#isClosed || this.#running !== null) return;
    this.prune().catch((err: unknown) => {
      this.#o.logger.warn({ evt: 'audit.retention_failed', store: true, node: this.#o.nodeId, err: { code: (err as { code?: string }).code } }, 'old audit records not removed from the store; tried again later');
    });
  };

  async #prune(): Promise<number> {
    const { nodeId } = this.#o;
    const cutoff = new Date(this.#o.nowMs() - this.#o.retentionDays * DAY_MS);
    let removed = 0;
    let end: ChainHead | null = null;
    try {
      const client = await this.#connect();
      let start = Number((await client.query<{ seq: string }>(START_SQL, [nodeId])).rows[0]?.seq ?? 0);
      while (!this.#isClosed) {
        const { rows } = await client.query<{ seq: string; hash: string }>(LAST_OLD_SQL, [nodeId, start, cutoff]);
        if (rows.length === 0) break;
        end = { seq: Number(rows[0].seq), hash: rows[0].hash };
        await client.query(PRUNE_SQL, [nodeId, end.seq, end.hash, startMac(this.#o.digest, nodeId, end)]);
        removed += end.seq - start;
        start = end.seq;
      }
    } catch (err) {
      await this.#client?.end().catch(() => {});
      this.#client = null;
      throw storeErrorOf(err, `removing node "${nodeId}"'s audit records past their retention`);
    }
    if (end !== null) {
      this.#o.logger.info({ evt: 'audit.retention_deleted', store: true, node: nodeId, records: removed, throughSeq: end.seq }, `${plural(removed, 'old audit record')} removed from the store`);
    }
    return removed;
  }

  async #connect(): Promise<pg.Client> {
    if (this.#client !== null) return this.#client;
    const client = new pg.Client({ ...this.#o.connection, application_name: `${this.#o.connection.application_name ?? 'isotrace'} retention` });
    client.on('error', () => {});
    await client.connect();
    this.#client = client;
    return client;
  }
}
