// OriginalStore: what route and the commit phase need of the approvals reversals name. The
// in-memory OriginalsTable answers at once; a store shared by several switches may answer with a
// Promise. Stages test `instanceof Promise`, so a synchronous store costs no promise or closure.

import type { InFlightOriginals } from './in-flight.js';
import type { Original, OriginalIds, OriginalRef } from './originals.js';

export interface OriginalStore {
  /**
   * Makes an approval reversible, in the commit phase once its record stands. A Promise resolves
   * once the approval can be found by any switch sharing the store; it never rejects (a shared
   * store logs a failure).
   */
  remember(ids: OriginalIds, issuer: string, holdId: string): void | Promise<void>;
  /** The approval a reversal names, if kept. A shared store's Promise rejects with a StoreError when it cannot look. */
  find(ref: OriginalRef): Original | undefined | Promise<Original | undefined>;
  /** Approvals of this switch still under way, which a reversal naming one waits for. */
  readonly inFlight: InFlightOriginals;
  /**
   * A shared store's: waits while a request claimed under one of `claimKeys` (its duplicate keys,
   * DuplicateCache.keyOf) is under way on another switch; true once it is decided (look again),
   * false at once when none is. Rejects with a StoreError when it cannot look.
   */
  inFlightElsewhere?(claimKeys: readonly string[]): Promise<boolean>;
}
