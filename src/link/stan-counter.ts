// STANs (DE 11, n 6) for a sender's own messages: 000001..999999, then 000001 again (primer §7).
// The one counter of the link, the terminal simulator, replay and load. Pure.

/** Highest STAN; the next one after it is 1 (000000 is never sent). */
export const MAX_STAN = 999_999;

/** HOT: the STAN after `n` as a number, wrapping 999999 to 1. */
export function stanAfter(n: number): number {
  return n >= MAX_STAN ? 1 : n + 1;
}

export class StanCounter {
  #next: number;

  /** @param first the first STAN `next()` gives, 1..999999. */
  constructor(first = 1) {
    this.#next = first;
  }

  /** The STAN the next call of `next()` gives, as a number (to persist the counter). */
  get peek(): number {
    return this.#next;
  }

  /** Takes the next STAN as six digits. */
  next(): string {
    const n = this.#next;
    this.#next = stanAfter(n);
    return String(n).padStart(6, '0');
  }
}
