// PgOriginals: the approvals reversals name, in PostgreSQL (isotrace.originals), so that a reversal
// on any node finds an approval made on any other. Remembered in the commit phase (all approvals
// of one event-loop turn in one INSERT); found by the keys OriginalsTable.find uses. A reversal
// whose approval is still under way on another node waits for it (its duplicate claim).

import type { IssuerDecision, Logger } from '../common/index.js';
import {
  DEFAULT_ORIGINALS, InFlightOriginals, idsOfRef, type Original, type OriginalIds, type OriginalRef, type OriginalStore,
} from '../switch/index.js';
import { ASYNC_COMMIT } from './async-commit.js';
import type { Store } from './store.js';
import { TurnBatch } from './turn-batch.js';
import { WriteRetry } from './write-retry.js';

export interface PgOriginalsOptions {
  /** How long an approval stays reversible, in ms. Default 86400000 (24 h), as OriginalsTable. */
  keepMs: number;
  /**
   * Where requests under way on other nodes are seen (their duplicate claims: PgDuplicates), so
   * that a reversal here waits for an approval still in flight there. Default: nowhere.
   */
  claims: { whenSettledElsewhere(keys: readonly string[]): Promise<boolean> } | null;
}

const REMEMBER_SQL = `
  WITH ${ASYNC_COMMIT}
  INSERT INTO isotrace.originals (stan, transmission, mti, acquirer, terminal, issuer, hold_id, node_id, expires_at)
  SELECT s.stan, s.transmission, s.mti, s.acquirer, s.terminal, s.issuer, s.hold_id, $8, now() + $9::float8 * interval '1 millisecond'
  FROM async_commit, unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
    AS s(stan, transmission, mti, acquirer, terminal, issuer, hold_id)`;

/** By DE 90 or DE 56: MTI and acquirer (DE 90 carries DE 32 zero-filled to 11 digits). Newest first. */
const FIND_BY_ID_SQL = `
  SELECT id, issuer, hold_id, mti, acquirer, terminal FROM isotrace.originals
  WHERE stan = $1 AND transmission = $2 AND expires_at > now() AND mti = $3 AND lpad(acquirer, 11, '0') = $4
  ORDER BY id DESC LIMIT 1`;

/** By the reversal's own DE 11 + DE 41 + time. */
const FIND_BY_TERMINAL_SQL = `
  SELECT id, issuer, hold_id, mti, acquirer, terminal FROM isotrace.originals
  WHERE stan = $1 AND transmission = $2 AND expires_at > now() AND terminal = $3
  ORDER BY id DESC LIMIT 1`;

interface OriginalRow {
  id: string;
  issuer: string;
  hold_id: string;
  mti: string;
  acquirer: string;
  terminal: string;
}

interface Remembered {
  ids: OriginalIds;
  issuer: string;
  holdId: string;
}

/** Views found lately, by row id: a second reversal here waits on the first's (Original.reversal). */
const MAX_VIEWS = 10_000;

export class PgOriginals implements OriginalStore {
  readonly #store: Store;
  readonly #keepMs: number;
  readonly #claims: PgOriginalsOptions['claims'];
  readonly #batch: TurnBatch<Remembered>;
  readonly #retry: WriteRetry;
  readonly #views = new Map<string, Original>();
  /** Approvals of this node still under way (a reversal naming one waits for it). */
  readonly inFlight = new InFlightOriginals();

  constructor(store: Store, logger: Logger, options: Partial<PgOriginalsOptions> = {}) {
    this.#store = store;
    this.#keepMs = options.keepMs ?? DEFAULT_ORIGINALS.keepMs;
    this.#claims = options.claims ?? null;
    this.#batch = new TurnBatch((items) => this.#rememberBatch(items));
    this.#retry = new WriteRetry(logger);
  }

  /** Resolves once the approval is committed (or, the store away, once retrying; never rejects). */
  remember(ids: OriginalIds, issuer: string, holdId: string): Promise<void> {
    return this.#batch.push({ ids, issuer, holdId });
  }

  /** The newest approval `ref` names, still reversible. @throws StoreError when the store cannot look. */
  async find(ref: OriginalRef): Promise<Original | undefined> {
    const ids = idsOfRef(ref);
    const { rows } = 'mti' in ids
      ? await this.#store.query<OriginalRow>('finding an original', FIND_BY_ID_SQL, [ids.stan, ids.transmission, ids.mti, ids.acquirer])
      : await this.#store.query<OriginalRow>('finding an original', FIND_BY_TERMINAL_SQL, [ids.stan, ids.transmission, ids.terminal]);
    return rows.length === 0 ? undefined : this.#view(rows[0]);
  }

  /** OriginalStore.inFlightElsewhere: false at once without `claims`. @throws StoreError. */
  inFlightElsewhere(claimKeys: readonly string[]): Promise<boolean> {
    return this.#claims === null ? Promise.resolve(false) : this.#claims.whenSettledElsewhere(claimKeys);
  }

  /** Waits for the approvals being written; stops retrying. */
  async close(): Promise<void> {
    await this.#batch.drain();
    this.#retry.close();
  }

  #view(row: OriginalRow): Original {
    let view = this.#views.get(row.id);
    if (view === undefined) {
      if (this.#views.size >= MAX_VIEWS) this.#views.clear();
      const reversal: Promise<IssuerDecision> | null = null;
      view = { issuer: row.issuer, holdId: row.hold_id, reversal, mti: row.mti, acquirer: row.acquirer, terminal: row.terminal, next: null };
      this.#views.set(row.id, view);
    }
    return view;
  }

  async #rememberBatch(items: Remembered[]): Promise<void> {
    const params = [
      items.map((r) => r.ids.stan), items.map((r) => r.ids.transmission), items.map((r) => r.ids.mti), items.map((r) => r.ids.acquirer),
      items.map((r) => r.ids.terminal), items.map((r) => r.issuer), items.map((r) => r.holdId), this.#store.nodeId, this.#keepMs,
    ];
    const write = async (): Promise<void> => {
      await this.#store.query('remembering approvals for reversals', REMEMBER_SQL, params);
    };
    try {
      await write();
    } catch (err) {
      this.#retry.later('store.remember_failed', `remembering ${items.length} approval(s) for reversals`, err, Date.now() + this.#keepMs, write);
    }
  }
}
