// StoreSafQueue: the store-and-forward queue of reversal advices in PostgreSQL (--store), shared by
// every node. Enqueues of one event-loop turn are one INSERT, one transaction (group commit),
// resolved once committed. Any node delivers an issuer's advices while it holds that issuer's
// delivery lease (saf-lease.ts): oldest first, its send marked under the lease before it goes, so
// that a node taking over repeats it as 0421. Depth for metrics is read every pollMs.

import { GroupCommit } from '../../audit/index.js';
import {
  backoffMs, checkAdvice, deliveryOf, KEY_BYTES, SafError, type AdviceQueue, type SafAdvice, type SafDelivery, type SafEntry,
} from '../../saf/index.js';
import { checkInteger, ConfigError, NOOP_LOGGER, type Logger } from '../../common/index.js';
import type { Store } from '../store.js';
import { SafLease } from './saf-lease.js';
import { entryOfRow, INSERT_ROWS, keyCheckOf, newRow, SAF_COLUMNS, type NewRow, type SafRow } from './saf-rows.js';

export interface StoreSafQueueOptions {
  readonly store: Store;
  /** The 32-byte sealing key: the same on every node (a node with another is refused). */
  readonly key: Buffer;
  /** Wait after the first send before a repeat, ms (default 1000); doubles per send. */
  readonly retryInitialMs?: number;
  /** The longest wait between sends, ms (default 60000). */
  readonly retryMaxMs?: number;
  /** How often depth is read and watched issuers looked at (another node's lease freed), ms (default 1000). */
  readonly pollMs?: number;
  readonly logger?: Logger;
  /** Wall-clock ms since the epoch (default Date.now). */
  readonly nowMs?: () => number;
}

export const DEFAULT_STORE_SAF_OPTIONS = Object.freeze({ retryInitialMs: 1000, retryMaxMs: 60_000, pollMs: 1000 });

/** An advice waiting for the next batch; `id` is given at its flush. */
interface Pending {
  readonly advice: SafAdvice;
  readonly fields: Readonly<Record<number, string>>;
  readonly sensitive: number[];
  readonly nowMs: number;
  id: number;
}

interface Depth {
  count: number;
  oldestCreatedAt: number | null;
}

const DEPTH_SQL = `SELECT issuer, count(*)::int AS count, min(queued_at) AS oldest FROM isotrace.saf_entries WHERE state = 'owed' GROUP BY issuer`;
const HEAD_SQL = `SELECT ${SAF_COLUMNS} FROM isotrace.saf_entries WHERE issuer = $1 AND state = 'owed' ORDER BY id LIMIT 1`;

export class StoreSafQueue implements AdviceQueue {
  readonly #store: Store;
  readonly #key: Buffer;
  readonly #o: Required<Omit<StoreSafQueueOptions, 'store' | 'key'>>;
  readonly #log: Logger;
  readonly #lease: SafLease;
  readonly #queue: GroupCommit<Pending>;
  readonly #watchers = new Map<string, () => void>();
  /** The entry next() last handed out, by issuer: markSent needs its issuer and attempts. */
  readonly #handedOut = new Map<string, SafEntry>();
  #depth = new Map<string, Depth>();
  #timer: NodeJS.Timeout | null = null;
  #isClosed = false;

  private constructor(o: StoreSafQueueOptions) {
    this.#store = o.store;
    this.#key = o.key;
    this.#log = o.logger ?? NOOP_LOGGER;
    this.#o = { ...DEFAULT_STORE_SAF_OPTIONS, logger: this.#log, nowMs: Date.now, ...withoutUndefined(o) };
    // The store's statement timeout too: a lease statement that hangs must not hold a delivery (or a shutdown) forever.
    this.#lease = new SafLease({ ...o.store.pool.options }, this.#log, (issuer) => this.#watchers.get(issuer)?.());
    this.#queue = new GroupCommit({ mode: 'strict', commit: (items) => this.#commitLogged(items) });
  }

  /**
   * Checks the key against the store's (the first node records its fingerprint), reads the depth
   * and starts polling.
   * @throws ConfigError for a key that is not 32 bytes or a time out of 1..86400000 ms; SafError
   *   SAF_KEY_INVALID when the store's queue is sealed under another key; StoreError STORE_UNAVAILABLE.
   */
  static async open(o: StoreSafQueueOptions): Promise<StoreSafQueue> {
    if (!Buffer.isBuffer(o.key) || o.key.length !== KEY_BYTES) throw new ConfigError('saf.key', `expected the ${KEY_BYTES}-byte saf key`);
    for (const name of ['retryInitialMs', 'retryMaxMs', 'pollMs'] as const) if (o[name] !== undefined) checkInteger(`saf.${name}`, o[name], 1, 86_400_000);
    const q = new StoreSafQueue(o);
    const check = keyCheckOf(o.key);
    await o.store.query('recording the saf key fingerprint', 'INSERT INTO isotrace.saf_key (key_check, created_by) VALUES ($1, $2) ON CONFLICT DO NOTHING', [check, o.store.nodeId]);
    const { rows } = await o.store.query<{ key_check: string; created_by: string }>('reading the saf key fingerprint', 'SELECT key_check, created_by FROM isotrace.saf_key');
    if (rows[0].key_check !== check) {
      throw new SafError('SAF_KEY_INVALID', `the saf key is not the one the store's queue is sealed with (first used by node ${rows[0].created_by}): give every node the same key file`);
    }
    await q.#poll();
    q.#lease.connect().catch(() => {}); // the poll connects it again if it fails now
    q.#o.logger.info({ evt: 'saf.opened', store: true, owed: q.#owedCount(), issuers: q.issuers() }, 'saf queue open (store)');
    return q;
  }

  /**
   * Queues `advice`; resolves with its id once its batch's INSERT is committed.
   * @throws (rejects) SafError SAF_FORBIDDEN_FIELD, SAF_BAD_ENTRY, SAF_CLOSED; StoreError
   *   STORE_UNAVAILABLE (nothing of its batch committed) or STORE_QUERY_FAILED.
   */
  enqueue(advice: SafAdvice): Promise<number> {
    if (this.#isClosed) return closed();
    let sensitive: number[];
    try {
      sensitive = checkAdvice(advice);
    } catch (err) {
      return Promise.reject(err);
    }
    // A copy: the caller's object may change before the flush.
    const pending: Pending = { advice, fields: Object.freeze({ ...advice.fields }), sensitive, nowMs: this.#o.nowMs(), id: 0 };
    return this.#queue.push(pending).then(() => pending.id);
  }

  /**
   * The oldest entry owed to `issuer`, its delivery lease taken (kept until release()); null when
   * nothing is owed or another node holds the lease. @throws StoreError STORE_UNAVAILABLE.
   */
  async next(issuer: string): Promise<SafDelivery | null> {
    if (this.#isClosed) return null;
    const head = await this.#head(issuer);
    if (head === null || !(await this.#lease.take(issuer))) return null;
    // Read again under the lease: the node that held it may have acknowledged that one meanwhile.
    const entry = await this.#head(issuer);
    if (entry === null) return null;
    this.#handedOut.set(issuer, entry);
    return deliveryOf(entry, entry.state === 'sent');
  }

  /**
   * Records the send of the entry next() handed out, on the lease's session (a node that lost the
   * lease cannot); its next attempt no sooner than `inFlightMs` or the backoff, whichever is longer.
   * @throws SafError SAF_ENTRY_NOT_FOUND (not handed out, or no longer owed), SAF_CLOSED; StoreError
   *   STORE_UNAVAILABLE when the lease was lost or the store does not answer.
   */
  async markSent(id: number, inFlightMs = 0): Promise<SafDelivery> {
    const known = [...this.#handedOut.values()].find((e) => e.id === id);
    if (this.#isClosed) return closed();
    if (known === undefined) throw new SafError('SAF_ENTRY_NOT_FOUND', `entry ${id} was not handed out by next() on this node`);
    const at = this.#o.nowMs();
    // No repeat, by this node or one taking over, before this send may still be answered.
    const next = at + Math.max(backoffMs(this.#o, known.attempts + 1), inFlightMs);
    const { rows } = await this.#lease.underLease<SafRow>(known.issuer, `recording the send of saf entry ${id}`,
      `UPDATE isotrace.saf_entries SET attempts = attempts + 1, last_attempt_at = to_timestamp($2 / 1000.0), next_attempt_at = to_timestamp($3 / 1000.0), last_sent_by = $4
       WHERE id = $1 AND state = 'owed' RETURNING ${SAF_COLUMNS}`, [id, at, next, this.#store.nodeId]);
    this.#handedOut.delete(known.issuer);
    if (rows.length === 0) throw notOwed(id);
    return deliveryOf(entryOfRow(rows[0], this.#key), known.state === 'sent');
  }

  /** Marks entry `id` acknowledged, once: @throws SafError SAF_ENTRY_NOT_FOUND when it is no longer owed (acknowledged or purged); StoreError. */
  async acknowledge(id: number): Promise<SafEntry> {
    if (this.#isClosed) return closed();
    const { rows } = await this.#store.query<SafRow>(`acknowledging saf entry ${id}`,
      `UPDATE isotrace.saf_entries SET state = 'acknowledged', acked_at = now() WHERE id = $1 AND state = 'owed' RETURNING ${SAF_COLUMNS}`, [id]);
    if (rows.length === 0) throw notOwed(id);
    return entryOfRow(rows[0], this.#key);
  }

  /** As of the last poll (every pollMs). */
  depth(issuer: string): { count: number; oldestCreatedAt: number | null } {
    return this.#depth.get(issuer) ?? { count: 0, oldestCreatedAt: null };
  }

  issuers(): string[] {
    return [...this.#depth.keys()];
  }

  watch(issuer: string, wake: () => void): void {
    this.#watchers.set(issuer, wake);
  }

  release(issuer: string): Promise<void> {
    return this.#lease.release(issuer);
  }

  /** Commits what is queued, stops polling and ends the lease session (its leases freed). Later calls reject with SAF_CLOSED. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    await this.#queue.drain();
    await this.#lease.close();
    this.#o.logger.info({ evt: 'saf.closed', store: true, owed: this.#owedCount() }, 'saf queue closed');
  }

  async #head(issuer: string): Promise<SafEntry | null> {
    const { rows } = await this.#store.query<SafRow>(`reading the advices owed to ${issuer}`, HEAD_SQL, [issuer]);
    return rows.length === 0 ? null : entryOfRow(rows[0], this.#key);
  }

  #owedCount(): number {
    let n = 0;
    for (const d of this.#depth.values()) n += d.count;
    return n;
  }

  async #commitLogged(items: Pending[]): Promise<void> {
    try {
      await this.#commit(items);
    } catch (err) {
      this.#log.error({ evt: 'saf.write_failed', store: true, events: items.length, err: { code: (err as { code?: string }).code } }, 'SAF WRITE FAILED: advices not committed to the store');
      throw err;
    }
  }

  /** The batch's ids from the sequence, each row sealed under its own (as the file queue binds it), then one INSERT. */
  async #commit(items: Pending[]): Promise<void> {
    const { rows } = await this.#store.query<{ id: string }>('numbering saf entries', "SELECT nextval('isotrace.saf_entry_id') AS id FROM generate_series(1, $1)", [items.length]);
    const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    const batch: NewRow[] = items.map((p, i) => {
      p.id = ids[i];
      return newRow(p.id, { ...p.advice, fields: p.fields }, p.sensitive, this.#key, p.nowMs, p.advice.createdAt ?? p.nowMs, this.#store.nodeId);
    });
    await this.#store.query('queuing saf entries', INSERT_ROWS, [JSON.stringify(batch)]);
  }

  /** Reads the depth of every issuer, wakes the watched ones owed something, and comes again in pollMs. */
  async #poll(): Promise<void> {
    try {
      const { rows } = await this.#store.query<{ issuer: string; count: number; oldest: Date }>('reading the saf depth', DEPTH_SQL);
      this.#depth = new Map(rows.map((r) => [r.issuer, { count: r.count, oldestCreatedAt: r.oldest.getTime() }]));
      if (!this.#lease.isConnected) await this.#lease.connect();
    } catch (err) {
      this.#log.debug({ evt: 'saf.poll_failed', err: { code: (err as { code?: string }).code } }, 'saf depth not read; tried again later');
    }
    if (this.#isClosed) return;
    for (const [issuer, wake] of this.#watchers) if (this.#depth.has(issuer)) wake();
    this.#timer = setTimeout(() => void this.#poll(), this.#o.pollMs);
    this.#timer.unref();
  }
}

function closed(): Promise<never> {
  return Promise.reject(new SafError('SAF_CLOSED', 'the saf queue is closed'));
}

function notOwed(id: number): SafError {
  return new SafError('SAF_ENTRY_NOT_FOUND', `no entry ${id} is owed in the store (acknowledged or purged since)`);
}

/** `o` without its undefined keys, so that defaults stand. */
function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
