// Store: isotrace's shared state in PostgreSQL (--store). Opening it connects a pool, brings the
// schema up to date (migrate.ts) and claims the node id (node-claim.ts); the parts that keep their
// state here (transaction log, duplicate claims, originals, the stub's ledger, the store-and-forward
// queue) query through it. Every failure comes out as a StoreError.

import pg from 'pg';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError, SwitchError, type Logger } from '../common/index.js';
import { migrate } from './migrate.js';
import { NodeClaim } from './node-claim.js';
import { StoreError, storeErrorOf } from './store-error.js';

export interface StoreOptions {
  /** postgres://user:password@host:port/database (or postgresql://). */
  readonly url: string;
  /** This process's name on the store: its audit chain and its claims carry it. Default: the host name. */
  readonly nodeId?: string | null;
  /** isotrace's version, recorded with the node. */
  readonly version: string;
  readonly logger: Logger;
  /** Connections in the pool. Default 8. */
  readonly poolSize?: number;
  /** How long connecting may take, ms. Default 2000. */
  readonly connectTimeoutMs?: number;
  /** How long a statement may take before the store counts as unavailable, ms. Default 2500 (inside the terminals' 5 s). */
  readonly queryTimeoutMs?: number;
}

const DEFAULTS = { poolSize: 8, connectTimeoutMs: 2000, queryTimeoutMs: 2500 };

/**
 * Set on each pooled connection. Store.query's statements are prepared once per connection and
 * planned once (a generic plan), which saves their parsing and planning at every call: about a
 * quarter of the database's CPU per transaction under the store benchmark. Every one of them finds
 * its rows by an index, and a plan made while a table was empty (a fresh store) would otherwise
 * scan the whole table for as long as the connection lives: sequential scans are off for these
 * connections. A pooler between the switch and PostgreSQL must keep sessions (as the node id's
 * claim already needs).
 */
const SESSION_SQL = 'SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off';

/** Statement names by SQL text: one per statement the store layer runs (a few dozen constants). */
const statementNames = new Map<string, string>();

/** The prepared statement's name for `sql`: the same on every connection, never for another text. */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `isotrace_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}
const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/;

/** `url` without its password, for logs and error text. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Checks a store URL: postgres:// or postgresql://, with a host and a database name.
 * @throws ConfigError naming `key` and what is wrong (never the password).
 */
export function checkStoreUrl(url: string, key = 'store'): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(key, 'expected a URL such as postgres://user:password@host:5432/isotrace');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new ConfigError(key, `expected postgres:// or postgresql://, got ${u.protocol}//`);
  if (u.hostname === '') throw new ConfigError(key, `${redactedUrl(url)} names no host`);
  if (u.pathname.length < 2) throw new ConfigError(key, `${redactedUrl(url)} names no database`);
}

/**
 * Checks a node id: 1 to 63 letters, digits and . _ : - (it names the node's chain and its rows).
 * @throws ConfigError naming `key`.
 */
export function checkNodeId(id: string, key = 'nodeId'): void {
  if (!NODE_ID.test(id)) throw new ConfigError(key, 'expected 1 to 63 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');
}

export class Store {
  readonly nodeId: string;
  /** The pool: for a part that needs a client of its own (LISTEN, a long transaction). */
  readonly pool: pg.Pool;
  /** The schema version the database is at (this build's latest). */
  readonly schemaVersion: number;
  readonly #claim: NodeClaim;
  /** The pooled connections SESSION_SQL has been run on. */
  readonly #sessions = new WeakSet<pg.PoolClient>();
  /** Statements run through query() and transaction(), by outcome (for metrics). */
  readonly statements = { ok: 0, unavailable: 0, refused: 0 };
  #isAnswering = true;
  readonly #log: Logger;
  #closing: Promise<void> | null = null;

  private constructor(pool: pg.Pool, nodeId: string, schemaVersion: number, claim: NodeClaim, logger: Logger) {
    this.pool = pool;
    this.nodeId = nodeId;
    this.schemaVersion = schemaVersion;
    this.#claim = claim;
    this.#log = logger;
  }

  /**
   * Connects, migrates the schema and claims the node id.
   * @throws ConfigError for a bad URL or node id; StoreError STORE_UNAVAILABLE, STORE_SCHEMA_NEWER,
   *   STORE_MIGRATION_FAILED, STORE_NODE_IN_USE. Nothing stays open when it throws.
   */
  static async open(o: StoreOptions): Promise<Store> {
    checkStoreUrl(o.url);
    const nodeId = o.nodeId ?? hostname();
    checkNodeId(nodeId);
    const config: pg.ClientConfig = {
      connectionString: o.url,
      connectionTimeoutMillis: o.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      query_timeout: o.queryTimeoutMs ?? DEFAULTS.queryTimeoutMs,
      application_name: `isotrace ${nodeId}`,
    };
    const pool = new pg.Pool({ ...config, max: o.poolSize ?? DEFAULTS.poolSize });
    // An idle connection the server drops (a restart) emits here; unhandled it would end the process.
    pool.on('error', (err) => o.logger.warn({ evt: 'store.connection_lost', err: { code: (err as { code?: string }).code ?? 'STORE_UNAVAILABLE' } }, 'a store connection was lost'));
    let claim: NodeClaim | null = null;
    try {
      const client = await pool.connect().catch((err: unknown) => {
        throw storeErrorOf(err, `connecting to ${redactedUrl(o.url)}`);
      });
      let version: number;
      try {
        version = await migrate(client, o.logger);
      } finally {
        client.release();
      }
      claim = await NodeClaim.take({ ...config, query_timeout: undefined }, nodeId, o.version, o.logger);
      o.logger.info({ evt: 'store.opened', store: redactedUrl(o.url), node: nodeId, schema: version }, 'store opened');
      return new Store(pool, nodeId, version, claim, o.logger);
    } catch (err) {
      await claim?.close();
      await pool.end().catch(() => {});
      throw err;
    }
  }

  /** True while the node id is held (false while the server is away). */
  get holdsNodeId(): boolean {
    return this.#claim.isHeld;
  }

  /** False from a statement the store did not answer (STORE_UNAVAILABLE) until one succeeds. */
  get isAnswering(): boolean {
    return this.#isAnswering;
  }

  /** The pool's connections: in use, idle, and requests waiting for one. */
  get connections(): { busy: number; idle: number; waiting: number } {
    const p = this.pool;
    return { busy: p.totalCount - p.idleCount, idle: p.idleCount, waiting: p.waitingCount };
  }

  /**
   * Runs one statement on a pooled connection, prepared there the first time (SESSION_SQL).
   * `sql`: one of the store layer's constant statements, never text built per call.
   * @throws StoreError STORE_UNAVAILABLE or STORE_QUERY_FAILED, about `what`.
   */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(what: string, sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.#use(what, (client) => client.query<R>({ name: statementName(sql), text: sql, values: params }));
  }

  /**
   * Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it
   * throws (a connection that failed is not given back to the pool).
   * @throws StoreError about `what` for pg's errors; a SwitchError `fn` throws, as it is.
   */
  transaction<T>(what: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#use(what, async (client) => {
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  /**
   * Runs `fn` on a pooled connection, its session set (SESSION_SQL) the first time. While the
   * connection is out of the pool, its 'error' event is listened to here: the server's goodbye
   * (57P01 at a shutdown) may arrive in the same packet as a statement's last answer, before this
   * code gives the connection back, and an 'error' nobody listens to ends the process. After any
   * error the connection is not given back (as pool.query does).
   * @throws StoreError about `what` for pg's errors; a SwitchError `fn` throws, as it is.
   */
  async #use<T>(what: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.#counted(storeErrorOf(err, what));
    }
    let failure: Error | undefined;
    const onError = (err: Error): void => {
      failure ??= err;
    };
    client.on('error', onError);
    try {
      if (!this.#sessions.has(client)) {
        await client.query(SESSION_SQL);
        this.#sessions.add(client);
      }
      const result = await fn(client);
      this.statements.ok++;
      this.#isAnswering = true;
      return result;
    } catch (err) {
      failure ??= err as Error;
      throw err instanceof SwitchError && !(err instanceof StoreError) ? err : this.#counted(storeErrorOf(err, what));
    } finally {
      client.removeListener('error', onError);
      client.release(failure);
    }
  }

  #counted(err: StoreError): StoreError {
    if (err.code === 'STORE_UNAVAILABLE') {
      this.statements.unavailable++;
      this.#isAnswering = false;
    } else {
      this.statements.refused++;
    }
    return err;
  }

  /** Ends the pool and gives up the node id (waits for statements in flight). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#claim.close();
      await this.pool.end().catch(() => {});
      this.#log.info({ evt: 'store.closed', node: this.nodeId }, 'store closed');
    })();
    return this.#closing;
  }
}
