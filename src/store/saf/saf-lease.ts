// SafLease: this node's delivery leases, one per issuer: a session advisory lock held on a
// connection of the node's own while it delivers that issuer's advices. Two nodes never deliver
// one issuer's advices at once, so never two at once nor out of order; PostgreSQL frees the lock
// when the session ends (the node died, the connection broke), and another node takes over. The
// same connection LISTENs for the queue's notifications. Logs issuers, never field values.

import pg from 'pg';
import type { Logger } from '../../common/index.js';
import { StoreError, storeErrorOf } from '../store-error.js';
import { SAF_CHANNEL } from './saf-rows.js';

/** The first key of the two-key advisory locks that are delivery leases (hashtext of the issuer is the second). */
const LEASE_SPACE = 0x1507_0005;

export class SafLease {
  readonly #config: pg.ClientConfig;
  readonly #log: Logger;
  readonly #onNotify: (issuer: string) => void;
  readonly #held = new Set<string>();
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;
  #isClosed = false;

  /** `config`: the store's connection settings; `onNotify`: each issuer a notification names. */
  constructor(config: pg.ClientConfig, logger: Logger, onNotify: (issuer: string) => void) {
    this.#config = config;
    this.#log = logger;
    this.#onNotify = onNotify;
  }

  /** True while the lease connection is up. */
  get isConnected(): boolean {
    return this.#client !== null;
  }

  /** True while this node holds `issuer`'s lease (its session is alive). */
  holds(issuer: string): boolean {
    return this.#held.has(issuer);
  }

  /**
   * Takes `issuer`'s lease unless another node holds it: true when this node holds it now.
   * @throws StoreError STORE_UNAVAILABLE.
   */
  async take(issuer: string): Promise<boolean> {
    if (this.#held.has(issuer)) return true;
    const client = await this.connect();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LEASE_SPACE, issuer]).catch((err: unknown) => {
      throw storeErrorOf(err, `taking the delivery lease of ${issuer}`);
    });
    if (rows[0].ok && this.#client === client) this.#held.add(issuer);
    return this.#held.has(issuer);
  }

  /**
   * Gives `issuer`'s lease up: another node may take it once this resolves (a lost session has
   * freed it already). Never rejects.
   */
  async release(issuer: string): Promise<void> {
    if (!this.#held.delete(issuer)) return;
    await this.#client?.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LEASE_SPACE, issuer]).catch(() => {});
  }

  /**
   * Runs `sql` on the lease's connection while `issuer`'s lease is held: a write that must not be
   * made by a node that lost it (the send of an advice).
   * @throws StoreError STORE_UNAVAILABLE when the lease is not held (its session was lost) or the store does not answer.
   */
  async underLease<R extends pg.QueryResultRow>(issuer: string, what: string, sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    const client = this.#client;
    if (client === null || !this.#held.has(issuer)) throw new StoreError('STORE_UNAVAILABLE', `${what}: the delivery lease of ${issuer} was lost with its store session`);
    try {
      return await client.query<R>(sql, params);
    } catch (err) {
      throw storeErrorOf(err, what);
    }
  }

  /** The lease connection, connected and listening. @throws StoreError STORE_UNAVAILABLE. */
  connect(): Promise<pg.Client> {
    if (this.#client !== null) return Promise.resolve(this.#client);
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  /** Ends the session: every lease this node holds is freed. */
  async close(): Promise<void> {
    this.#isClosed = true;
    this.#held.clear();
    await this.#connecting?.catch(() => {});
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  async #open(): Promise<pg.Client> {
    if (this.#isClosed) throw new StoreError('STORE_UNAVAILABLE', 'the saf queue is closed');
    const client = new pg.Client(this.#config);
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (n) => {
      if (n.channel === SAF_CHANNEL && typeof n.payload === 'string') this.#onNotify(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SAF_CHANNEL}`);
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw storeErrorOf(err, 'opening the saf lease connection');
    }
    if (this.#isClosed) {
      await client.end().catch(() => {});
      throw new StoreError('STORE_UNAVAILABLE', 'the saf queue is closed');
    }
    this.#client = client;
    return client;
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    client.end().catch(() => {});
    if (this.#isClosed) return;
    if (this.#held.size > 0) this.#log.warn({ evt: 'saf.lease_lost', issuers: [...this.#held] }, 'store session of the delivery leases lost: other nodes may deliver those issuers now');
    this.#held.clear();
  }
}
