// DuplicateStore: what the dedupe stage and the commit phase need of the duplicate cache. The
// in-memory DuplicateCache answers at once; a store shared by several switches may answer with a
// Promise. Stages test `instanceof Promise`, so a synchronous store costs no promise or closure.

import type { CachedAnswer, DuplicateHit } from './duplicates.js';

export interface DuplicateStore {
  /**
   * Looks `key` up; on a miss, claims it for this request: null. A hit carries the first answer (or
   * null when that is not kept). A shared store answers with a Promise, which rejects with a
   * StoreError when the claim could not be made (the request is then answered 96, unclaimed).
   */
  claim(key: string): DuplicateHit | null | Promise<DuplicateHit | null>;
  /** Records the answer a claimed request sent. A Promise never rejects (a shared store logs and retries). */
  settle(key: string, answer: CachedAnswer): void | Promise<void>;
  /** Drops the claim of a request whose answer is not kept (a 96, or none). A Promise never rejects. */
  abandon(key: string): void | Promise<void>;
}
