// The switch's shared state on the store, as one thing to open and close: the duplicate claims,
// the originals, the stub's ledger and their background purge. The cli wires them in place of the
// in-memory DuplicateCache, OriginalsTable and StubIssuer when --store is given.

import type { Codec } from '../codec/index.js';
import type { Card } from '../issuer/index.js';
import type { Logger } from '../common/index.js';
import { DEFAULT_ORIGINALS } from '../switch/index.js';
import { DEFAULT_PG_DUPLICATES, PgDuplicates, type PgDuplicatesOptions } from './duplicate-claims.js';
import { PgOriginals } from './originals-store.js';
import { StatePurge } from './state-purge.js';
import type { Store } from './store.js';
import { PgStubIssuer } from './stub-ledger.js';

export interface SharedStateOptions {
  /** The terminals' codec: the answers kept for repeats are packed with it. */
  codec: Codec;
  /** The stub's cards, and the file they came from (for errors). */
  cards: readonly Card[];
  cardsSource: string;
  logger: Logger;
  /** How long an answer is kept for repeats, in ms (--duplicate-window). */
  windowMs: number;
  /** PgDuplicates' other options; defaults as DEFAULT_PG_DUPLICATES. */
  duplicates?: Partial<Omit<PgDuplicatesOptions, 'windowMs'>>;
  /** How long an approval stays reversible, in ms. Default 86400000. */
  keepMs?: number;
  /** How often old rows are purged, in ms. Default 60000. */
  purgeEveryMs?: number;
}

export interface SharedState {
  readonly duplicates: PgDuplicates;
  readonly originals: PgOriginals;
  readonly stub: PgStubIssuer;
  /** Stops the purge, waits for the writes in flight. Does not close the store. */
  close(): Promise<void>;
}

/**
 * Opens the shared state on `store`, the stub's accounts seeded from the cards unless there already.
 * @throws ConfigError (cards differing from the store's accounts), StoreError.
 */
export async function openSharedState(store: Store, o: SharedStateOptions): Promise<SharedState> {
  const stub = await PgStubIssuer.open(store, o.cards, o.cardsSource);
  const dupOptions = { ...DEFAULT_PG_DUPLICATES, ...o.duplicates, windowMs: o.windowMs };
  const keepMs = o.keepMs ?? DEFAULT_ORIGINALS.keepMs;
  const duplicates = new PgDuplicates(store, o.logger, o.codec, dupOptions);
  const originals = new PgOriginals(store, o.logger, { keepMs, claims: duplicates });
  const purge = new StatePurge(store, o.logger, { everyMs: o.purgeEveryMs ?? 60_000, staleClaimMs: dupOptions.staleClaimMs, keepMs });
  return {
    duplicates,
    originals,
    stub,
    async close() {
      await purge.close();
      await Promise.all([duplicates.close(), originals.close()]);
    },
  };
}
