// StatePurge: deletes in the background what the shared state no longer needs: duplicate answers
// past their window and claims gone stale, approvals past their reversible time, and the stub's
// holds as old (a hold no original names can never be released; it stays spent, as in memory).
// Every node runs it; two at once delete nothing twice. Its failures are logged, never thrown.

import type { Logger } from '../common/index.js';
import type { Store } from './store.js';

export interface StatePurgeOptions {
  /** How often, in ms. Default 60000. */
  everyMs: number;
  /** A claim unsettled this long is stale, in ms (PgDuplicatesOptions.staleClaimMs). */
  staleClaimMs: number;
  /** How long approvals and holds are kept, in ms (PgOriginalsOptions.keepMs). */
  keepMs: number;
}

const PURGES: ReadonlyArray<readonly [what: string, sql: string, params: (o: StatePurgeOptions) => unknown[]]> = [
  ['purging duplicate claims', `DELETE FROM isotrace.duplicate_claims
    WHERE (state = 2 AND expires_at <= now()) OR (state = 1 AND claimed_at <= now() - $1::float8 * interval '1 millisecond')`, (o) => [o.staleClaimMs]],
  ['purging originals', 'DELETE FROM isotrace.originals WHERE expires_at <= now()', () => []],
  ['purging stub holds', `DELETE FROM isotrace.stub_holds WHERE placed_at <= now() - $1::float8 * interval '1 millisecond'`, (o) => [o.keepMs]],
];

export class StatePurge {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #o: StatePurgeOptions;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | null = null;

  constructor(store: Store, logger: Logger, options: StatePurgeOptions) {
    this.#store = store;
    this.#logger = logger;
    this.#o = options;
    this.#timer = setInterval(() => void this.run(), options.everyMs);
    this.#timer.unref();
  }

  /** One pass (one at a time); resolves when done, whether or not the store answered. */
  run(): Promise<void> {
    this.#running ??= this.#pass().finally(() => (this.#running = null));
    return this.#running;
  }

  /** Stops the timer; waits for a pass under way. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async #pass(): Promise<void> {
    for (const [what, sql, params] of PURGES) {
      try {
        const { rowCount } = await this.#store.query(what, sql, params(this.#o));
        if ((rowCount ?? 0) > 0) this.#logger.debug({ evt: 'store.purged', what, rows: rowCount }, what);
      } catch (err) {
        this.#logger.warn({ evt: 'store.purge_failed', err: { code: (err as { code?: string }).code } }, `${what} failed; tried again later`);
      }
    }
  }
}
