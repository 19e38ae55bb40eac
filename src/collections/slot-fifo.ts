// SlotFifo: slot numbers in push order, each with its expiry time, for dropping the oldest entries
// of a table kept by slot. A ring over two typed arrays that doubles when full: O(1) per push and
// shift, and nothing on the heap per entry (a Map iterated from its start after deleting its first
// entries walks every deleted slot until it is rebuilt; arrays of keys hold a string per entry).

const FIRST_CAPACITY = 1024;

export class SlotFifo {
  #slots = new Int32Array(FIRST_CAPACITY);
  #expiresAtMs = new Float64Array(FIRST_CAPACITY);
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** HOT: appends `slot`; expiry times should not decrease from one push to the next (a smaller one waits its turn). */
  push(slot: number, expiresAtMs: number): void {
    if (this.#length === this.#slots.length) this.#grow();
    const at = (this.#head + this.#length) & (this.#slots.length - 1);
    this.#slots[at] = slot;
    this.#expiresAtMs[at] = expiresAtMs;
    this.#length++;
  }

  /** The oldest slot, or -1 when empty. */
  peek(): number {
    return this.#length === 0 ? -1 : this.#slots[this.#head];
  }

  /** The expiry time of the oldest slot (NaN when empty). */
  oldestExpiresAtMs(): number {
    return this.#length === 0 ? Number.NaN : this.#expiresAtMs[this.#head];
  }

  /** Whether the oldest slot expired at or before `now` (false when empty). */
  isOldestExpired(now: number): boolean {
    return this.#length > 0 && this.#expiresAtMs[this.#head] <= now;
  }

  /** Drops the oldest slot. */
  shift(): void {
    if (this.#length === 0) return;
    this.#head = (this.#head + 1) & (this.#slots.length - 1);
    this.#length--;
  }

  /** Doubles the ring, its entries moved to the front in order. */
  #grow(): void {
    const capacity = this.#slots.length;
    const slots = new Int32Array(capacity * 2);
    const times = new Float64Array(capacity * 2);
    const firstRun = capacity - this.#head;
    slots.set(this.#slots.subarray(this.#head));
    slots.set(this.#slots.subarray(0, this.#head), firstRun);
    times.set(this.#expiresAtMs.subarray(this.#head));
    times.set(this.#expiresAtMs.subarray(0, this.#head), firstRun);
    this.#slots = slots;
    this.#expiresAtMs = times;
    this.#head = 0;
  }
}
