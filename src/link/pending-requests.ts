// PendingRequests: the client's table of requests waiting for their responses, by match key, with
// deadline expiry for the sweeping timer and a memory of recent timeouts. No sockets, no timers.

import type { IsoMessage } from '../codec/index.js';

/** Keys of requests that timed out, kept to tell a late response from a stray one. */
const RECENT_TIMEOUTS = 1024;

export class PendingRequest {
  constructor(
    readonly resolve: (msg: IsoMessage) => void,
    readonly reject: (err: Error) => void,
    /** Monotonic ms after which the request has timed out. */
    readonly deadline: number,
  ) {}
}

export class PendingRequests {
  // Insertion order is send order, and every request of a client has the same timeout, so the
  // deadlines are ascending: expiry stops at the first live request.
  readonly #byKey = new Map<string, PendingRequest>();
  readonly #timedOutAt = new Map<string, number>();

  get size(): number {
    return this.#byKey.size;
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  add(key: string, request: PendingRequest): void {
    this.#byKey.set(key, request);
  }

  /** HOT: removes and returns the request waiting under `key`. */
  take(key: string): PendingRequest | undefined {
    const p = this.#byKey.get(key);
    if (p !== undefined) this.#byKey.delete(key);
    return p;
  }

  /** When the request under `key` timed out (monotonic ms), if it did recently. */
  timedOutAt(key: string): number | undefined {
    return this.#timedOutAt.get(key);
  }

  /** Rejects every request whose deadline is past with `error()`; returns how many. */
  expire(now: number, error: () => Error): number {
    let n = 0;
    for (const [key, p] of this.#byKey) {
      if (p.deadline > now) break;
      this.#byKey.delete(key);
      this.#timedOutAt.set(key, now);
      if (this.#timedOutAt.size > RECENT_TIMEOUTS) this.#timedOutAt.delete(this.#timedOutAt.keys().next().value!);
      p.reject(error());
      n++;
    }
    return n;
  }

  /** Rejects and forgets every waiting request. */
  failAll(error: () => Error): void {
    if (this.#byKey.size === 0) return;
    const all = [...this.#byKey.values()];
    this.#byKey.clear();
    for (const p of all) p.reject(error());
  }
}
