// A node's claim on its id: a session advisory lock held on a connection of its own for as long as
// the process runs, so that two running switches never extend the same chain or deliver as the same
// node. PostgreSQL frees it when the session ends (the process died, the server restarted); the
// claim is then taken again in the background, as soon as the server is back.

import pg from 'pg';
import { hostname } from 'node:os';
import type { Logger } from '../common/index.js';
import { StoreError, storeErrorOf } from './store-error.js';

/** The first key of the two-key advisory locks that name node ids (hashtext of the id is the second). */
const NODE_LOCK_SPACE = 0x1507_0002;
const RETRY_MS = 1000;

export class NodeClaim {
  readonly #config: pg.ClientConfig;
  readonly #nodeId: string;
  readonly #version: string;
  readonly #log: Logger;
  #client: pg.Client | null = null;
  #retry: NodeJS.Timeout | null = null;
  #isClosed = false;

  private constructor(config: pg.ClientConfig, nodeId: string, version: string, logger: Logger) {
    this.#config = config;
    this.#nodeId = nodeId;
    this.#version = version;
    this.#log = logger;
  }

  /**
   * Claims `nodeId` and records the node's row.
   * @throws StoreError STORE_NODE_IN_USE when another session holds it; STORE_UNAVAILABLE.
   */
  static async take(config: pg.ClientConfig, nodeId: string, version: string, logger: Logger): Promise<NodeClaim> {
    const claim = new NodeClaim(config, nodeId, version, logger);
    await claim.#take();
    return claim;
  }

  /** True while the lock is held (false between a lost session and its retaking). */
  get isHeld(): boolean {
    return this.#client !== null;
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    const c = this.#client;
    this.#client = null;
    await c?.end().catch(() => {});
  }

  async #take(): Promise<void> {
    const client = new pg.Client(this.#config);
    client.on('error', () => this.#lost(client));
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [NODE_LOCK_SPACE, this.#nodeId]);
      if (!rows[0].ok) {
        const holder = await client.query<{ host: string; pid: number }>('SELECT host, pid FROM isotrace.nodes WHERE node_id = $1', [this.#nodeId]);
        const who = holder.rows.length === 0 ? 'another process' : `pid ${holder.rows[0].pid} on ${holder.rows[0].host}`;
        throw new StoreError('STORE_NODE_IN_USE', `node id "${this.#nodeId}" is in use by ${who}; give each switch its own --node-id`);
      }
      await client.query(
        `INSERT INTO isotrace.nodes (node_id, host, pid, version, started_at, seen_at) VALUES ($1, $2, $3, $4, now(), now())
         ON CONFLICT (node_id) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version, started_at = EXCLUDED.started_at, seen_at = now()`,
        [this.#nodeId, hostname(), process.pid, this.#version],
      );
    } catch (err) {
      client.removeAllListeners('error');
      client.on('error', () => {});
      await client.end().catch(() => {});
      throw storeErrorOf(err, `claiming node id "${this.#nodeId}"`);
    }
    this.#client = client;
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client || this.#isClosed) return;
    this.#client = null;
    client.end().catch(() => {});
    this.#log.warn({ evt: 'store.node_claim_lost', node: this.#nodeId }, 'lost the store session holding the node id: taking it again');
    this.#schedule();
  }

  #schedule(): void {
    if (this.#isClosed || this.#retry !== null) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      if (this.#isClosed) return;
      this.#take().then(
        () => this.#log.info({ evt: 'store.node_claim_taken', node: this.#nodeId }, 'node id held again'),
        (err: StoreError) => {
          if (err.code === 'STORE_NODE_IN_USE') this.#log.error({ evt: 'store.node_claim_refused', node: this.#nodeId, err: { code: err.code } }, err.message);
          this.#schedule();
        },
      );
    }, RETRY_MS);
    this.#retry.unref();
  }
}
