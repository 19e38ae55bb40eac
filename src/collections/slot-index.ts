// SlotIndex: a hash index from a short string key to a slot number, in typed arrays: open
// addressing with linear probing, and deletion by shifting the probe run back (no tombstones).
// Each slot's key and hash are kept by slot, so the index itself holds no strings and no objects.

import { SlotStrings } from './slot-strings.js';

/** FNV-1a over the key's char codes: 32 bits, spread enough for linear probing. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class SlotIndex {
  /** slot + 1 per position; 0 is empty. At least twice as many positions as slots. */
  readonly #table: Int32Array;
  readonly #mask: number;
  readonly #hashes: Int32Array;
  readonly #keys: SlotStrings;

  /** An index over `slots` slots, keys of up to `keyWidth` characters kept inline. */
  constructor(slots: number, keyWidth: number) {
    let positions = 16;
    while (positions < slots * 2) positions *= 2;
    this.#table = new Int32Array(positions);
    this.#mask = positions - 1;
    this.#hashes = new Int32Array(slots);
    this.#keys = new SlotStrings(keyWidth, slots);
  }

  /** HOT: the slot `key` points at, or -1. */
  get(key: string): number {
    const at = this.#find(key, hashOf(key));
    return at < 0 ? -1 : this.#table[at] - 1;
  }

  /**
   * HOT: points `key` at `slot` (in place of the slot it pointed at, if any); `slot` keeps the key,
   * and a key that pointed at `slot` before is removed.
   */
  put(key: string, slot: number): void {
    this.remove(slot);
    const hash = hashOf(key);
    this.#hashes[slot] = hash;
    this.#keys.set(slot, key);
    const at = this.#find(key, hash);
    if (at >= 0) {
      this.#table[at] = slot + 1;
      return;
    }
    let p = hash & this.#mask;
    while (this.#table[p] !== 0) p = (p + 1) & this.#mask;
    this.#table[p] = slot + 1;
  }

  /** Copies the keys of `count` slots of `source` from slot `from` to slot `to` of this (new) index, indexing none of them. */
  copyRun(source: SlotIndex, from: number, to: number, count: number): void {
    this.#hashes.set(source.#hashes.subarray(from, from + count), to);
    this.#keys.copyRun(source.#keys, from, to, count);
  }

  /** Indexes `slot` under the key copied to it, which no other indexed slot has. */
  putCopied(slot: number): void {
    let p = this.#hashes[slot] & this.#mask;
    while (this.#table[p] !== 0) p = (p + 1) & this.#mask;
    this.#table[p] = slot + 1;
  }

  /** Removes the key pointing at `slot`; nothing when its key points elsewhere. */
  remove(slot: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let p = this.#hashes[slot] & mask;
    while (table[p] !== slot + 1) {
      if (table[p] === 0) return;
      p = (p + 1) & mask;
    }
    this.#keys.clear(slot);
    // Shift the rest of the probe run back over the hole, each entry no nearer than its home.
    for (let q = (p + 1) & mask; table[q] !== 0; q = (q + 1) & mask) {
      const home = this.#hashes[table[q] - 1] & mask;
      const isHomeAfterHole = p <= q ? home > p && home <= q : home > p || home <= q;
      if (isHomeAfterHole) continue;
      table[p] = table[q];
      p = q;
    }
    table[p] = 0;
  }

  #find(key: string, hash: number): number {
    const table = this.#table;
    const mask = this.#mask;
    for (let p = hash & mask; table[p] !== 0; p = (p + 1) & mask) {
      const slot = table[p] - 1;
      if (this.#hashes[slot] === (hash | 0) && this.#keys.is(slot, key)) return p;
    }
    return -1;
  }
}
