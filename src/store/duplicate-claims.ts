// PgDuplicates: the duplicate cache in PostgreSQL (isotrace.duplicate_claims), shared by every
// switch on the store. A request's key is claimed before the issuer is asked (INSERT ... ON
// CONFLICT, all claims of one event-loop turn in one statement); the claim is settled with the
// answer the terminal got (less DE 2: no clear PAN in a row, see switch/kept-answer.ts), or deleted
// when that answer is a 96. A repeat of a claim in flight on another node polls for its settle;
// repeats on this node wait on the first here, without a query.

import type { Codec } from '../codec/index.js';
import type { Logger } from '../common/index.js';
import { answerWithoutPan, type CachedAnswer, type DuplicateHit, type DuplicateStore } from '../switch/index.js';
import { ASYNC_COMMIT } from './async-commit.js';
import type { Store } from './store.js';
import { TurnBatch } from './turn-batch.js';
import { WriteRetry } from './write-retry.js';

export interface PgDuplicatesOptions {
  /** How long an answer is kept for repeats, in ms. Default 300000 (5 min), as DuplicateCache. */
  windowMs: number;
  /**
   * How long a claim may stay unsettled before another request may take it over, in ms (its node
   * died between claim and answer). Default 120000; keep it above the issuer timeout.
   */
  staleClaimMs: number;
  /** The first and the longest wait between two looks at a claim in flight on another node, in ms. Default 5 and 200. */
  pollFirstMs: number;
  pollMaxMs: number;
}

export const DEFAULT_PG_DUPLICATES: Readonly<PgDuplicatesOptions> = Object.freeze({ windowMs: 300_000, staleClaimMs: 120_000, pollFirstMs: 5, pollMaxMs: 200 });

/**
 * Claims every key of the batch that no one holds, or whose holder's answer is past its window,
 * or whose claim went stale, or that this node claimed and holds no more (a claim whose statement
 * failed after all, or one of a process that ran before with this node id: a key is sent here only
 * when no claim of it is under way on this node); for each key, whether this batch won it, and the
 * row as it stood before (the first answer, when settled).
 */
const CLAIM_SQL = `
  WITH ${ASYNC_COMMIT}, k AS (SELECT unnest($1::text[]) AS key),
  won AS (
    INSERT INTO isotrace.duplicate_claims AS c (key, node_id, state, claimed_at, expires_at)
    SELECT key, $2, 1, now(), now() + $3::float8 * interval '1 millisecond' FROM k
    ON CONFLICT (key) DO UPDATE
      SET node_id = EXCLUDED.node_id, state = 1, claimed_at = EXCLUDED.claimed_at, expires_at = EXCLUDED.expires_at,
          answer = NULL, response_code = NULL, approval_code = NULL
      WHERE (c.state = 2 AND c.expires_at <= now()) OR (c.state = 1 AND c.claimed_at <= now() - $4::float8 * interval '1 millisecond')
        OR (c.state = 1 AND c.node_id = $2)
    RETURNING key)
  SELECT k.key, won.key IS NOT NULL AS is_won, c.state, c.answer, c.response_code, c.approval_code
  FROM async_commit, k LEFT JOIN won ON won.key = k.key LEFT JOIN isotrace.duplicate_claims c ON won.key IS NULL AND c.key = k.key`;

const SETTLE_SQL = `
  WITH ${ASYNC_COMMIT}
  UPDATE isotrace.duplicate_claims AS c SET state = 2, answer = s.answer, response_code = s.rc, approval_code = s.ac
  FROM async_commit, unnest($1::text[], $2::bytea[], $3::text[], $4::text[]) AS s(key, answer, rc, ac)
  WHERE c.key = s.key AND c.node_id = $5 AND c.state = 1`;

const ABANDON_SQL = `
  WITH ${ASYNC_COMMIT}
  DELETE FROM isotrace.duplicate_claims USING async_commit WHERE key = ANY($1::text[]) AND node_id = $2 AND state = 1`;

const LOOK_SQL = 'SELECT state, answer, response_code, approval_code FROM isotrace.duplicate_claims WHERE key = $1';

/** Whether another node holds one of the keys claimed, unsettled and not stale: a request under way there. */
const ELSEWHERE_SQL = `
  SELECT 1 FROM isotrace.duplicate_claims
  WHERE key = ANY($1::text[]) AND state = 1 AND node_id <> $2 AND claimed_at > now() - $3::float8 * interval '1 millisecond' LIMIT 1`;

interface ClaimRow {
  key: string;
  is_won: boolean;
  state: number | null;
  answer: Buffer | null;
  response_code: string | null;
  approval_code: string | null;
}

const noop = (): void => {};

/** A key this node claims or waits for: the first's fate, which later repeats here wait on. */
class LocalClaim {
  readonly key: string;
  readonly answer: Promise<CachedAnswer | null>;
  resolve: (answer: CachedAnswer | null) => void = noop;
  reject: (err: Error) => void = noop;
  /** What the claim statement found for the key (set once it is answered). */
  row: ClaimRow | null = null;

  constructor(key: string) {
    this.key = key;
    this.answer = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.answer.catch(noop); // awaited by the repeats there are; none may be
  }
}

/** A write owed to the store: a settle (answer set) or an abandon (answer null). */
interface ClaimEnd {
  key: string;
  answer: CachedAnswer | null;
}

function answerOf(row: { answer: Buffer | null; response_code: string | null; approval_code: string | null }): CachedAnswer {
  return { bytes: row.answer ?? Buffer.alloc(0), responseCode: row.response_code ?? '', approvalCode: row.approval_code };
}

export class PgDuplicates implements DuplicateStore {
  readonly #store: Store;
  readonly #o: PgDuplicatesOptions;
  readonly #logger: Logger;
  /** The terminals' codec: answers are kept without DE 2. */
  readonly #codec: Codec;
  /** Keys claimed here and not settled yet, and keys this node waits on: repeats here join them. */
  readonly #local = new Map<string, LocalClaim>();
  readonly #claims: TurnBatch<LocalClaim>;
  readonly #ends: TurnBatch<ClaimEnd>;
  readonly #retry: WriteRetry;
  #isClosed = false;

  /** `codec`: the one the answers are packed with (the terminals'). */
  constructor(store: Store, logger: Logger, codec: Codec, options: Partial<PgDuplicatesOptions> = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#codec = codec;
    this.#o = { ...DEFAULT_PG_DUPLICATES, ...options };
    this.#claims = new TurnBatch((items) => this.#claimBatch(items));
    this.#ends = new TurnBatch((items) => this.#endBatch(items));
    this.#retry = new WriteRetry(logger);
  }

  /**
   * Claims `key` (null: this request is the first), or joins the first: a repeat on this node at
   * once, one on another node once the claim statement says so. Rejects with StoreError
   * STORE_UNAVAILABLE or STORE_QUERY_FAILED when the claim could not be made.
   */
  claim(key: string): DuplicateHit | null | Promise<DuplicateHit | null> {
    const first = this.#local.get(key);
    if (first !== undefined) return { answer: first.answer };
    const claim = new LocalClaim(key);
    this.#local.set(key, claim);
    return this.#claims.push(claim).then(() => this.#claimed(claim));
  }

  /**
   * Keeps `answer` for repeats, without DE 2: resolves once it is committed (or, the store away,
   * once retrying; never rejects). Repeats waiting here get it whole.
   */
  settle(key: string, answer: CachedAnswer): Promise<void> {
    // A copy: the caller's buffer goes to its socket, this one to repeats.
    const whole: CachedAnswer = { bytes: Buffer.from(answer.bytes), responseCode: answer.responseCode, approvalCode: answer.approvalCode };
    let kept: CachedAnswer;
    try {
      kept = answerWithoutPan(this.#codec, whole);
    } catch (err) {
      // Not an answer this switch packed: nothing kept, a repeat is handled anew.
      this.#logger.error({ evt: 'store.answer_unreadable', err: { code: (err as { code?: string }).code } }, 'answer not kept for repeats: the codec cannot read it');
      return this.abandon(key);
    }
    this.#end(key, whole);
    return this.#ends.push({ key, answer: kept });
  }

  /** Drops the claim: repeats waiting here get null (handled anew); resolves once deleted (never rejects). */
  abandon(key: string): Promise<void> {
    this.#end(key, null);
    return this.#ends.push({ key, answer: null });
  }

  /**
   * Waits while another node holds one of `keys` claimed and unsettled (a request under way there,
   * looked at as #poll does); true once none is (after a wait), false at once when none was.
   * @throws StoreError when the store cannot look.
   */
  async whenSettledElsewhere(keys: readonly string[]): Promise<boolean> {
    const params = [keys, this.#store.nodeId, this.#o.staleClaimMs];
    const isElsewhere = async (): Promise<boolean> => (await this.#store.query('looking for a request under way on another node', ELSEWHERE_SQL, params)).rowCount !== 0;
    if (!(await isElsewhere())) return false;
    for await (const _ of this.#pauses()) if (!(await isElsewhere())) break;
    return true;
  }

  /** Waits for the writes in flight, stops retrying and polling. */
  async close(): Promise<void> {
    this.#isClosed = true;
    await Promise.all([this.#claims.drain(), this.#ends.drain()]);
    const owed = this.#retry.close();
    if (owed > 0) this.#logger.warn({ evt: 'store.duplicates_owed', batches: owed }, 'answers not yet kept in the store at close');
  }

  #end(key: string, answer: CachedAnswer | null): void {
    const claim = this.#local.get(key);
    if (claim === undefined) return;
    this.#local.delete(key);
    claim.resolve(answer);
  }

  async #claimBatch(claims: LocalClaim[]): Promise<void> {
    const keys = claims.map((c) => c.key);
    try {
      const { rows } = await this.#store.query<ClaimRow>('claiming duplicates', CLAIM_SQL, [keys, this.#store.nodeId, this.#o.windowMs, this.#o.staleClaimMs]);
      const byKey = new Map(rows.map((r) => [r.key, r]));
      for (const c of claims) c.row = byKey.get(c.key) ?? null;
    } catch (err) {
      // Repeats that joined these claims here are handled anew, and fail the same way. A claim
      // made all the same (its answer lost or late) is this node's orphan: the next claim of its
      // key here takes it over (CLAIM_SQL).
      for (const c of claims) this.#end(c.key, null);
      throw err;
    }
  }

  #claimed(claim: LocalClaim): DuplicateHit | null {
    const row = claim.row;
    if (row !== null && row.is_won) return null;
    if (row !== null && row.state === 2) this.#end(claim.key, answerOf(row));
    else void this.#poll(claim);
    return { answer: claim.answer };
  }

  /**
   * Looks at a claim another node holds until it is settled (its answer), deleted (null: handled
   * anew), or stale (null: handled anew, which takes it over). Polling rather than LISTEN/NOTIFY:
   * repeats of a request still in flight elsewhere are rare, and a poll needs no connection of
   * its own nor a way to catch up on notifications lost while the store was away.
   */
  async #poll(claim: LocalClaim): Promise<void> {
    try {
      for await (const _ of this.#pauses()) {
        const { rows } = await this.#store.query<ClaimRow>('waiting for a duplicate\'s first answer', LOOK_SQL, [claim.key]);
        if (rows.length === 0) break;
        if (rows[0].state === 2) {
          this.#end(claim.key, answerOf(rows[0]));
          return;
        }
      }
      this.#end(claim.key, null);
    } catch (err) {
      this.#local.delete(claim.key);
      claim.reject(err as Error);
    }
  }

  /**
   * The waits between two looks at a claim another node holds: pollFirstMs, then twice as long
   * each time, at most pollMaxMs; ends once the claim would be stale (staleClaimMs) or at close.
   */
  async *#pauses(): AsyncGenerator<void> {
    const deadline = Date.now() + this.#o.staleClaimMs;
    for (let delayMs = this.#o.pollFirstMs; ; delayMs = Math.min(delayMs * 2, this.#o.pollMaxMs)) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (this.#isClosed || Date.now() > deadline) return;
      yield;
    }
  }

  async #endBatch(ends: ClaimEnd[]): Promise<void> {
    const write = (): Promise<void> => this.#write(ends);
    try {
      await write();
    } catch (err) {
      this.#retry.later('store.settle_failed', `settling or dropping ${ends.length} duplicate claim(s)`, err, Date.now() + this.#o.windowMs, write);
    }
  }

  async #write(ends: ClaimEnd[]): Promise<void> {
    const settled = ends.filter((e) => e.answer !== null);
    const abandoned = ends.filter((e) => e.answer === null).map((e) => e.key);
    const node = this.#store.nodeId;
    const writes: Array<Promise<unknown>> = [];
    if (settled.length > 0) {
      const params = [settled.map((e) => e.key), settled.map((e) => e.answer!.bytes), settled.map((e) => e.answer!.responseCode), settled.map((e) => e.answer!.approvalCode), node];
      writes.push(this.#store.query('keeping answers for repeats', SETTLE_SQL, params));
    }
    if (abandoned.length > 0) writes.push(this.#store.query('dropping duplicate claims', ABANDON_SQL, [abandoned, node]));
    await Promise.all(writes);
  }
}
