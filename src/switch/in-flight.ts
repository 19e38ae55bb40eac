// Approvals still under way: an authorization or financial request between its route and the end
// of its commit phase. A reversal that names one (a terminal that timed out and reversed at once,
// or an advice read with its original) waits for it to be decided and remembered, instead of
// finding nothing and leaving the issuer's hold in place. Keyed as the originals table is, by
// STAN and transmission time; counts only, no object per request.

export class InFlightOriginals {
  /** Requests under way by `${STAN}|${time}`. */
  readonly #count = new Map<string, number>();
  /** Reversals waiting for a key to have nothing under way. */
  readonly #waiters = new Map<string, Array<() => void>>();

  /** HOT: a request with `key` is under way. */
  begin(key: string): void {
    this.#count.set(key, (this.#count.get(key) ?? 0) + 1);
  }

  /** HOT: the request with `key` is decided (and, approved, remembered); waiting reversals go on once none is left. */
  end(key: string): void {
    const left = (this.#count.get(key) ?? 1) - 1;
    if (left > 0) {
      this.#count.set(key, left);
      return;
    }
    this.#count.delete(key);
    const waiters = this.#waiters.get(key);
    if (waiters === undefined) return;
    this.#waiters.delete(key);
    for (const go of waiters) go();
  }

  /** Resolves once no request with `key` is under way; null when none is now. */
  settled(key: string): Promise<void> | null {
    if (!this.#count.has(key)) return null;
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(key);
      if (waiters === undefined) this.#waiters.set(key, [resolve]);
      else waiters.push(resolve);
    });
  }

  /** Keys with requests under way. */
  get size(): number {
    return this.#count.size;
  }
}
