// TxnLogWriter: the audit trail in PostgreSQL (--store), as AuditWriter is on disk: records sealed
// onto this node's own hash chain with the file log's functions, and group commit: whatever is
// appended while one INSERT is in flight goes as the next batch, all its rows in ONE statement (one
// transaction, one round trip). The chain's head advances only past what was committed; after a
// failure it is read again from the table (a COMMIT whose answer was lost). Never logs record contents.

import pg from 'pg';
import { performance } from 'node:perf_hooks';
import {
  AuditError, GroupCommit, chainDigest, hashOfSealed, sealedBytesMax, sealInto,
  type AuditBatchStats, type AuditMode, type AuditWriterStats, type Digest,
} from '../../audit/index.js';
import { plural, type Logger } from '../../common/index.js';
import { StoreError, storeErrorOf } from '../store-error.js';
import { RECORD_COLUMNS, jsonPathSql } from './columns.js';
import { headMac, readChainHead, type ChainHead } from './chain-head.js';
import { TxnLogRetention } from './txn-log-retention.js';

/** How the writer connects: what pg.Client takes, plain data (it crosses to the journal thread). */
export interface TxnLogConnection {
  readonly connectionString: string;
  readonly connectionTimeoutMillis?: number;
  readonly query_timeout?: number;
  readonly application_name?: string;
}

/** The connection settings of `store`'s pool (URL, timeouts, application name), for a writer of its own. */
export function txnLogConnectionOf(store: { readonly pool: pg.Pool }): TxnLogConnection {
  const o = store.pool.options;
  return { connectionString: String(o.connectionString), connectionTimeoutMillis: o.connectionTimeoutMillis, query_timeout: o.query_timeout, application_name: o.application_name };
}

export interface TxnLogWriterOptions {
  connection: TxnLogConnection;
  /** The node whose chain this writer extends (Store.nodeId: the node id the process holds). */
  nodeId: string;
  /** `strict`: append() resolves once the record is committed. `async`: at once. */
  mode: AuditMode;
  /** HMAC-SHA-256 key of the chain; null: plain SHA-256. */
  key: Buffer | null;
  logger: Logger;
  /** Where each committed batch is counted and timed for metrics; null: nowhere. */
  batchStats?: AuditBatchStats | null;
  /** Records received longer ago than this many days are removed (TxnLogRetention); 0: never (default). */
  retentionDays?: number;
  /** The retention's clock and how often it looks, ms (defaults: Date.now, 600000). */
  nowMs?: () => number;
  retentionEveryMs?: number;
}

/**
 * The statement of a batch: its sealed lines arrive as one bytea of newline-separated lines
 * (sealInto's own output, sent without a copy or an array literal to escape); the server splits
 * them, numbers them from $2, parses each once as JSONB and takes the searchable columns out of it.
 * MATERIALIZED keeps it to once: inlined, the cast ran for each column taken out of it (about twice
 * the time per batch of 50, measured here). The same statement seals the chain's new head.
 */
const INSERT_SQL = `
  WITH l AS MATERIALIZED (SELECT t, n, t::jsonb AS r FROM unnest(string_to_array(convert_from($4::bytea, 'UTF8'), E'\\n')) WITH ORDINALITY AS u(t, n)),
  added AS (
    INSERT INTO isotrace.txn_log (node_id, seq, prev, hash, keyed, received_at, ${RECORD_COLUMNS.map((c) => c.column).join(', ')}, record_text, record)
    SELECT $1, $2::bigint + n - 1, r->>'prev', r->>'hash', $3, (r->>'received_at')::timestamptz, ${RECORD_COLUMNS.map((c) => jsonPathSql(c)).join(', ')}, t, r
    FROM l)
  INSERT INTO isotrace.txn_log_heads (node_id, seq, hash, mac) VALUES ($1, $5, $6, $7)
  ON CONFLICT (node_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, mac = EXCLUDED.mac`;

/** How JSON text writes U+0000. */
const NUL_ESCAPE = '\\u0000';

export class TxnLogWriter {
  readonly #o: Required<TxnLogWriterOptions>;
  readonly #digest: Digest;
  readonly #queue: GroupCommit<string>;
  #client: pg.Client | null;
  /** The last committed record of this node's chain; stale after a failed batch. */
  #head: ChainHead;
  #isHeadStale = false;
  #isFailing = false;
  #out = Buffer.alloc(0);
  #isClosed = false;
  #closing: Promise<void> | null = null;
  readonly #counts = { records: 0, batches: 0, failures: 0, recordsFailed: 0 };
  readonly #retention: TxnLogRetention | null;

  private constructor(o: Required<TxnLogWriterOptions>, client: pg.Client, head: ChainHead) {
    this.#o = o;
    this.#digest = chainDigest(o.key);
    this.#queue = new GroupCommit({ mode: o.mode, commit: (bodies) => this.#commit(bodies) });
    this.#client = client;
    this.#head = head;
    this.#retention = o.retentionDays > 0
      ? new TxnLogRetention({ connection: o.connection, nodeId: o.nodeId, retentionDays: o.retentionDays, digest: this.#digest, logger: o.logger, nowMs: o.nowMs, everyMs: o.retentionEveryMs })
      : null;
  }

  /**
   * Connects and reads the head of the node's chain.
   * @throws StoreError STORE_UNAVAILABLE, STORE_QUERY_FAILED (a database not migrated to version 2).
   */
  static async open(options: TxnLogWriterOptions): Promise<TxnLogWriter> {
    const o: Required<TxnLogWriterOptions> = { batchStats: null, retentionDays: 0, nowMs: Date.now, retentionEveryMs: 600_000, ...options };
    const client = await connect(o);
    let head: ChainHead;
    try {
      head = await readChainHead(client, o.nodeId);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    o.logger.info({ evt: 'audit.opened', store: true, node: o.nodeId, seq: head.seq, mode: o.mode, isKeyed: o.key !== null }, 'audit log open (store)');
    return new TxnLogWriter(o, client, head);
  }

  get stats(): AuditWriterStats {
    const c = this.#counts;
    return { ...c, recordsPerBatch: c.batches === 0 ? 0 : c.records / c.batches, tornLinesRepaired: 0, headFailures: 0 };
  }

  /** Hash of this node's last committed record (GENESIS_HASH before its first). */
  get head(): string {
    return this.#head.hash;
  }

  /** Seq of this node's last committed record (0 before its first). */
  get seq(): number {
    return this.#head.seq;
  }

  /**
   * HOT: queues one record, the JSON text of one object without prev and hash (auditRecordJson's),
   * for the next batch. Strict mode: resolves once its batch is committed; async: at once.
   * @throws (rejects) StoreError STORE_UNAVAILABLE / STORE_QUERY_FAILED when its batch was not
   *   committed (strict mode); AuditError AUDIT_CLOSED after close(), AUDIT_BAD_RECORD for text
   *   that is not one object.
   */
  append(record: string): Promise<void> {
    if (this.#isClosed) return Promise.reject(new AuditError('AUDIT_CLOSED', 'the audit writer is closed'));
    if (record.charCodeAt(0) !== 0x7b || record.charCodeAt(record.length - 1) !== 0x7d) {
      return Promise.reject(new AuditError('AUDIT_BAD_RECORD', 'audit record text must be one JSON object'));
    }
    // JSONB cannot hold U+0000: one such record would fail its whole batch (every answer in it 96).
    // The codec admits no NUL in a text field; whatever else carries one is stored with U+FFFD,
    // written as the character itself, as JSON.stringify writes it: the text stays canonical.
    return this.#queue.push(record.includes(NUL_ESCAPE) ? record.replaceAll(NUL_ESCAPE, '\ufffd') : record);
  }

  /**
   * Removes the records past the retention now (without retention: none): how many.
   * @throws StoreError when the store cannot.
   */
  prune(): Promise<number> {
    return this.#retention === null ? Promise.resolve(0) : this.#retention.prune();
  }

  /** The fate of the records appended and not yet in a batch in flight, in either mode. */
  whenWritten(): Promise<void> {
    return this.#queue.whenCommitted();
  }

  /**
   * Commits everything appended, then closes the connection. Later appends reject.
   * @throws StoreError when the last batches could not be committed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#isClosed = true;
    await this.#retention?.close();
    const failed = await this.#queue.drain();
    await this.#client?.end().catch(() => {});
    this.#client = null;
    this.#o.logger.info({ evt: 'audit.closed', store: true, node: this.#o.nodeId, seq: this.#head.seq, ...this.stats, head: this.#head.hash }, 'audit log closed (store)');
    if (failed !== null) throw failed;
  }

  /** Seals `bodies` after the committed head and inserts them in one statement. */
  async #commit(bodies: string[]): Promise<void> {
    const stats = this.#o.batchStats;
    try {
      const client = await this.#ready();
      let bytes = 0;
      for (let i = 0; i < bodies.length; i++) bytes += sealedBytesMax(bodies[i]);
      if (this.#out.length < bytes) this.#out = Buffer.allocUnsafe(Math.max(bytes, 2 * this.#out.length));
      const out = this.#out;
      let at = 0;
      let hash = this.#head.hash;
      for (let i = 0; i < bodies.length; i++) {
        at = sealInto(out, at, bodies[i], hash, this.#digest);
        hash = hashOfSealed(out, at);
      }
      const startedAt = stats === null ? 0 : performance.now();
      // Without the last newline: the server splits on the others.
      const head: ChainHead = { seq: this.#head.seq + bodies.length, hash };
      await client.query({
        name: 'isotrace_txn_log_insert', text: INSERT_SQL,
        values: [this.#o.nodeId, this.#head.seq + 1, this.#o.key !== null, out.subarray(0, at - 1), head.seq, hash, headMac(this.#digest, this.#o.nodeId, head)],
      });
      if (stats !== null) stats.written(bodies.length, (performance.now() - startedAt) / 1000);
      this.#head = head;
    } catch (err) {
      throw this.#failed(err, bodies.length);
    }
    this.#counts.records += bodies.length;
    this.#counts.batches++;
    if (this.#isFailing) {
      this.#isFailing = false;
      this.#o.logger.warn({ evt: 'audit.write_recovered', store: true, node: this.#o.nodeId }, 'audit writes to the store succeed again');
    }
  }

  /** The connection, made again after a failure, and the head read again from the table when stale. */
  async #ready(): Promise<pg.Client> {
    this.#client ??= await connect(this.#o);
    if (this.#isHeadStale) {
      this.#head = await readChainHead(this.#client, this.#o.nodeId);
      this.#isHeadStale = false;
    }
    return this.#client;
  }

  #failed(err: unknown, records: number): StoreError {
    // The connection may be mid-statement or gone, and the batch may have committed unseen: a new
    // connection, and the head from the table, before the next batch.
    const client = this.#client;
    this.#client = null;
    client?.end().catch(() => {});
    this.#isHeadStale = true;
    const cause = storeErrorOf(err, `writing ${plural(records, 'audit record')} of node "${this.#o.nodeId}"`);
    const error = new StoreError(cause.code, `${cause.message}; ${plural(records, 'audit record')} not written`, { cause: err });
    this.#counts.failures++;
    this.#counts.recordsFailed += records;
    this.#o.batchStats?.failed();
    this.#isFailing = true;
    this.#o.logger.error({ evt: 'audit.write_failed', store: true, node: this.#o.nodeId, records, mode: this.#o.mode, err: { code: error.code } }, 'AUDIT WRITE FAILED: records not in the store');
    return error;
  }
}

/** A connection of the writer's own; a connection that fails later is dropped at its next batch. */
async function connect(o: Required<TxnLogWriterOptions>): Promise<pg.Client> {
  const client = new pg.Client({ ...o.connection });
  // An 'error' left unhandled would end the process; the failing query reports it instead.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw storeErrorOf(err, `connecting the audit writer of node "${o.nodeId}"`);
  }
  return client;
}
