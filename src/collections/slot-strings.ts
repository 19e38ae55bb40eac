// SlotStrings: one short string per numbered slot, kept as latin1 bytes in one typed array instead
// of one heap string each. A table that remembers a million approvals so holds no object per
// approval for the garbage collector to copy and mark. A string longer than the width, or with a
// character past latin1, is kept as is in a side map (rare: ids on the wire are short and latin1).

import assert from 'node:assert';

const OVERFLOW = 0xff;

export class SlotStrings {
  readonly #width: number;
  /** Per slot: its length in one byte (OVERFLOW: in #overflow), then up to #width bytes. */
  readonly #bytes: Uint8Array;
  readonly #overflow = new Map<number, string>();

  /** `width` characters at most per slot kept inline (254 at most). */
  constructor(width: number, slots: number) {
    // A length byte of 255 would read as OVERFLOW.
    assert(Number.isInteger(width) && width >= 0 && width < OVERFLOW, 'SlotStrings width must be 0..254');
    this.#width = width;
    this.#bytes = new Uint8Array((width + 1) * slots);
  }

  get slots(): number {
    return this.#bytes.length / (this.#width + 1);
  }

  /** HOT: keeps `s` at `slot`. */
  set(slot: number, s: string): void {
    const at = slot * (this.#width + 1);
    if (this.#bytes[at] === OVERFLOW) this.#overflow.delete(slot);
    if (s.length > this.#width) return this.#setOverflow(at, slot, s);
    const bytes = this.#bytes;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return this.#setOverflow(at, slot, s);
      bytes[at + 1 + i] = c;
    }
    bytes[at] = s.length;
  }

  /** The string at `slot` ('' for a slot never set). */
  get(slot: number): string {
    const at = slot * (this.#width + 1);
    const length = this.#bytes[at];
    if (length === OVERFLOW) return this.#overflow.get(slot) ?? '';
    return String.fromCharCode(...this.#bytes.subarray(at + 1, at + 1 + length));
  }

  /** HOT: whether the string at `slot` is `s`, without making it. */
  is(slot: number, s: string): boolean {
    const at = slot * (this.#width + 1);
    const bytes = this.#bytes;
    if (bytes[at] === OVERFLOW) return this.#overflow.get(slot) === s;
    if (bytes[at] !== s.length) return false;
    for (let i = 0; i < s.length; i++) if (bytes[at + 1 + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** Keeps `bytes` at `slot`, as the latin1 string of them. */
  setBytes(slot: number, bytes: Uint8Array): void {
    const at = slot * (this.#width + 1);
    if (this.#bytes[at] === OVERFLOW) this.#overflow.delete(slot);
    if (bytes.length > this.#width) return this.#setOverflow(at, slot, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'));
    this.#bytes.set(bytes, at + 1);
    this.#bytes[at] = bytes.length;
  }

  /** A copy of the latin1 bytes at `slot`. */
  bytesAt(slot: number): Buffer {
    const at = slot * (this.#width + 1);
    const length = this.#bytes[at];
    if (length === OVERFLOW) return Buffer.from(this.#overflow.get(slot) ?? '', 'latin1');
    return Buffer.from(this.#bytes.subarray(at + 1, at + 1 + length));
  }

  /** Forgets what `slot` holds (its side-map string, if any). */
  clear(slot: number): void {
    const at = slot * (this.#width + 1);
    if (this.#bytes[at] === OVERFLOW) this.#overflow.delete(slot);
    this.#bytes[at] = 0;
  }

  /** Copies `count` slots of `source` (same width) from slot `from` into this one from slot `to`, over what these held. */
  copyRun(source: SlotStrings, from: number, to: number, count: number): void {
    const size = this.#width + 1;
    this.#bytes.set(source.#bytes.subarray(from * size, (from + count) * size), to * size);
    for (const [slot, s] of source.#overflow) {
      if (slot >= from && slot < from + count) this.#overflow.set(to + slot - from, s);
    }
  }

  #setOverflow(at: number, slot: number, s: string): void {
    this.#bytes[at] = OVERFLOW;
    this.#overflow.set(slot, s);
  }
}
