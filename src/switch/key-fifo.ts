// KeyFifo: the keys of a Map in insertion order, each with its expiry time, for dropping the
// oldest entries. Iterating a Map from its start after deleting its first entries walks every
// deleted slot until the table is rebuilt: with 200,000 entries, tens of thousands of slots per
// request. Two arrays with a head index make each expiry O(1).

const COMPACT_AT = 4096;

export class KeyFifo {
  #keys: string[] = [];
  #expiresAtMs: number[] = [];
  #head = 0;

  get length(): number {
    return this.#keys.length - this.#head;
  }

  /** Appends `key`; expiry times should not decrease from one push to the next (a smaller one waits its turn). */
  push(key: string, expiresAtMs: number): void {
    this.#keys.push(key);
    this.#expiresAtMs.push(expiresAtMs);
  }

  /** The oldest key, or undefined when empty. */
  peek(): string | undefined {
    return this.#keys[this.#head];
  }

  /** The expiry time of the oldest key (NaN when empty). */
  oldestExpiresAtMs(): number {
    return this.#head < this.#keys.length ? this.#expiresAtMs[this.#head] : Number.NaN;
  }

  /** Whether the oldest key expired at or before `now` (false when empty). */
  isOldestExpired(now: number): boolean {
    return this.#head < this.#keys.length && this.#expiresAtMs[this.#head] <= now;
  }

  /** Drops the oldest key. */
  shift(): void {
    if (this.#head >= this.#keys.length) return;
    this.#keys[this.#head++] = '';
    if (this.#head >= COMPACT_AT && this.#head * 2 >= this.#keys.length) {
      this.#keys = this.#keys.slice(this.#head);
      this.#expiresAtMs = this.#expiresAtMs.slice(this.#head);
      this.#head = 0;
    }
  }
}
