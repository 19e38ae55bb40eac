// Approvals still under way: an authorization or financial request between its route and the end
// of its commit phase. A reversal that names one (a terminal that timed out and reversed at once,
// or an advice read with its original) waits for it to be decided and remembered, instead of
// finding nothing and leaving the issuer's hold in place. The requests are kept as they are, in a
// set (no key is made per request: a reversal that finds nothing asks which ones it may name).

export class InFlightOriginals<T extends object> {
  readonly #open = new Set<T>();
  /** Reversals waiting for a request to end. */
  readonly #waiters = new Map<T, Array<() => void>>();

  /** HOT: `request` is under way. */
  begin(request: T): void {
    this.#open.add(request);
  }

  /** HOT: `request` is decided (and, approved, remembered); reversals waiting for it go on. */
  end(request: T): void {
    if (!this.#open.delete(request)) return;
    const waiters = this.#waiters.get(request);
    if (waiters === undefined) return;
    this.#waiters.delete(request);
    for (const go of waiters) go();
  }

  /** Resolves once every request under way that `names` picks has ended; null when none does. */
  settled(names: (request: T) => boolean): Promise<void> | null {
    const waits: Array<Promise<void>> = [];
    for (const request of this.#open) {
      if (!names(request)) continue;
      waits.push(new Promise((resolve) => {
        const waiters = this.#waiters.get(request);
        if (waiters === undefined) this.#waiters.set(request, [resolve]);
        else waiters.push(resolve);
      }));
    }
    return waits.length === 0 ? null : Promise.all(waits).then(() => undefined);
  }

  /** Requests under way. */
  get size(): number {
    return this.#open.size;
  }
}
