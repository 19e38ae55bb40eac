// Property: SlotIndex, under random puts and removes in a crowded table, answers get() exactly as a
// plain Map model does (key -> slot, and slot -> key for remove), and so does an index rebuilt from
// it with copyRun over two runs and putCopied, before and after more operations on the rebuilt one.
// The owner's rule holds throughout: a slot is put only when no other key points at it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotIndex } from '../../src/collections/slot-index.js';

const FC_RUNS = Number(process.env.FC_RUNS ?? 100);

/** The index's hash (FNV-1a over char codes), copied here only to pick keys that collide. */
function fnv1a(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Tables here have at most 128 positions, so keys alike in the low 7 bits share a home. */
const HOME_BITS = 127;

/** `count` keys of each shape (short, non-latin1, longer than any key width used) whose home is `home`. */
function keysAt(home: number, count: number): string[] {
  const out: string[] = [];
  for (const shape of [(i: number) => `k${i}`, (i: number) => `☃${i}`, (i: number) => `overflowing-${i}`]) {
    for (let i = 0, found = 0; found < count; i++) {
      if ((fnv1a(shape(i)) & HOME_BITS) === home) {
        out.push(shape(i));
        found++;
      }
    }
  }
  return out;
}

/** Pairs with the same 32-bit hash: inline and inline, inline and overflow, non-latin1 and overflow. */
const SAME_HASH = [
  ['7yzl', 'e6ap'],
  ['que', 'owrrkn'],
  ['ftj☃', 'homwkm'],
  ['lrc☃t', 'yurwi'],
] as const;

/** Homes at position 0 and at the last position (whose probe runs wrap to 0), for every table size here. */
const CROWD = [...keysAt(0, 5), ...keysAt(HOME_BITS, 5), ...keysAt(HOME_BITS - 1, 3)];
const POOL = [...CROWD, ...SAME_HASH.flat(), '', 'a', 'ab', 'abcd', 'abcde', '€', 'a€', 'x'.repeat(40)];

const keyArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...POOL) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', '€'), maxLength: 7 }) },
);

type Op =
  /** put into a random slot: when another key points at it, remove(slot) goes first (the owner's rule). */
  | { kind: 'put'; key: string; slot: number }
  /** put into one of the slots no key points at. */
  | { kind: 'putFree'; key: string; pick: number }
  /** remove a random slot, pointed at or not. */
  | { kind: 'remove'; slot: number }
  /** remove one of the slots a key points at. */
  | { kind: 'removeOwned'; pick: number };

// More puts than removes, so that tables fill up (most runs reach well over half their slots).
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('put' as const), key: keyArb, slot: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('putFree' as const), key: keyArb, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), slot: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeOwned' as const), pick: fc.nat() }) },
);
/** Long enough sequences to fill a 64-slot table (fast-check's default size would keep them near 10). */
const opsArb = (maxLength: number): fc.Arbitrary<Op[]> => fc.array(opArb, { maxLength, size: 'max' });

/** What the index should answer: key -> slot and slot -> key, plus every key ever asked about. */
class Model {
  readonly slotOf = new Map<string, number>();
  readonly keyAt = new Map<number, string>();
  readonly seen = new Set<string>(POOL);

  constructor(readonly slots: number) {}

  put(key: string, slot: number): void {
    this.seen.add(key);
    const old = this.slotOf.get(key);
    if (old !== undefined) this.keyAt.delete(old);
    this.slotOf.set(key, slot);
    this.keyAt.set(slot, key);
  }

  remove(slot: number): void {
    const key = this.keyAt.get(slot);
    if (key === undefined) return;
    this.keyAt.delete(slot);
    this.slotOf.delete(key);
  }

  freeSlots(): number[] {
    return Array.from({ length: this.slots }, (_, slot) => slot).filter((slot) => !this.keyAt.has(slot));
  }

  ownedSlots(): number[] {
    return [...this.keyAt.keys()].sort((a, b) => a - b);
  }
}

/** Applies `op` to both, keeping the owner's rule; what was done, for failure messages. */
function apply(index: SlotIndex, model: Model, op: Op): string {
  if (op.kind === 'put' || op.kind === 'putFree') {
    let slot: number;
    if (op.kind === 'put') {
      slot = op.slot % model.slots;
    } else {
      const free = model.freeSlots();
      if (free.length === 0) return 'putFree: none free';
      slot = free[op.pick % free.length];
    }
    const owner = model.keyAt.get(slot);
    if (owner !== undefined && owner !== op.key) {
      index.remove(slot);
      model.remove(slot);
    }
    index.put(op.key, slot);
    model.put(op.key, slot);
    return `put(${JSON.stringify(op.key)}, ${slot})`;
  }
  let slot: number;
  if (op.kind === 'remove') {
    slot = op.slot % model.slots;
  } else {
    const owned = model.ownedSlots();
    if (owned.length === 0) return 'removeOwned: none owned';
    slot = owned[op.pick % owned.length];
  }
  index.remove(slot);
  model.remove(slot);
  return `remove(${slot})`;
}

/** get() of every key ever used, against the model; the operations so far are spelt out only on a failure. */
function expectSame(index: SlotIndex, model: Model, after: () => string): void {
  const wrong: string[] = [];
  for (const key of model.seen) {
    const slot = index.get(key);
    const expected = model.slotOf.get(key) ?? -1;
    if (slot !== expected) wrong.push(`get(${JSON.stringify(key)}) = ${slot}, not ${expected}`);
  }
  if (wrong.length > 0) expect(wrong, `after ${after()}`).toEqual([]);
}

function run(index: SlotIndex, model: Model, ops: readonly Op[]): void {
  const done: string[] = [];
  for (const op of ops) {
    done.push(apply(index, model, op));
    expectSame(index, model, () => done.join('; '));
  }
}

/**
 * A bigger index with `source`'s slots laid out from `head` onwards first, then those before it (the
 * ring of OriginalsTable), indexing only the slots the model says are pointed at.
 */
function rebuilt(source: SlotIndex, model: Model, bigSlots: number, keyWidth: number, head: number): { index: SlotIndex; model: Model } {
  const index = new SlotIndex(bigSlots, keyWidth);
  const first = model.slots - head;
  index.copyRun(source, head, 0, first);
  index.copyRun(source, 0, first, head);
  const moved = (slot: number): number => (slot - head + model.slots) % model.slots;
  const bigModel = new Model(bigSlots);
  for (const key of model.seen) bigModel.seen.add(key);
  for (const [slot, key] of model.keyAt) {
    index.putCopied(moved(slot));
    bigModel.put(key, moved(slot));
  }
  return { index, model: bigModel };
}

const setupArb = fc.record({
  slots: fc.integer({ min: 8, max: 64 }),
  keyWidth: fc.integer({ min: 0, max: 6 }),
  ops: opsArb(250),
});

describe('SlotIndex (properties)', () => {
  it('answers get() like a Map model after every put and remove in a crowded table', () => {
    fc.assert(
      fc.property(setupArb, ({ slots, keyWidth, ops }) => {
        const index = new SlotIndex(slots, keyWidth);
        const model = new Model(slots);
        expectSame(index, model, () => 'nothing');
        run(index, model, ops);
      }),
      { numRuns: FC_RUNS },
    );
  });

  it('answers get() like the model after a rebuild by copyRun over two runs and putCopied, and after more operations on it', () => {
    fc.assert(
      fc.property(
        setupArb,
        fc.nat(),
        fc.integer({ min: 0, max: 64 }),
        opsArb(150),
        ({ slots, keyWidth, ops }, headPick, extraSlots, laterOps) => {
          const index = new SlotIndex(slots, keyWidth);
          const model = new Model(slots);
          run(index, model, ops);
          const big = rebuilt(index, model, slots + extraSlots, keyWidth, headPick % slots);
          expectSame(big.index, big.model, () => 'rebuild');
          // The old index is untouched by being copied.
          expectSame(index, model, () => 'rebuild (old index)');
          run(big.index, big.model, laterOps);
        },
      ),
      { numRuns: FC_RUNS },
    );
  });
});

describe('SlotIndex', () => {
  /** 64 slots -> 128 positions, where CROWD's 39 keys are all homed at 0, 127 or 126: one run of 39 wrapping past the end. */
  const SLOTS = 64;

  it('keeps later keys of a probe run findable when one in its middle is removed', () => {
    const index = new SlotIndex(SLOTS, 4);
    CROWD.forEach((key, slot) => index.put(key, slot));
    for (const [slot, key] of CROWD.entries()) expect(index.get(key)).toBe(slot);
    // Slots 15 and 30 hold the first keys homed at 127 and 126, so sit at the end of the table and
    // their removal shifts entries back across the wrap; the others are in the run's middle.
    const removed = new Set<number>();
    for (const slot of [15, 6, 30, 20, 33, 2, 9, 0, 38, 12, 4, 27, 7]) {
      index.remove(slot);
      removed.add(slot);
      for (const [s, key] of CROWD.entries()) expect(index.get(key), `${key} after removing ${[...removed].join(',')}`).toBe(removed.has(s) ? -1 : s);
    }
  });

  it('finds a key put again after a removal shifted its run back', () => {
    const index = new SlotIndex(SLOTS, 4);
    CROWD.forEach((key, slot) => index.put(key, slot));
    index.remove(1);
    index.put(CROWD[1], 60);
    // Moving a key still in the run to another slot.
    index.put(CROWD[3], 61);
    expect(index.get(CROWD[1])).toBe(60);
    expect(index.get(CROWD[3])).toBe(61);
    for (const [slot, key] of CROWD.entries()) if (slot !== 1 && slot !== 3) expect(index.get(key)).toBe(slot);
  });

  it('does nothing on remove of a slot no key points at', () => {
    const index = new SlotIndex(SLOTS, 4);
    CROWD.slice(0, 8).forEach((key, slot) => index.put(key, slot));
    index.remove(12);
    index.remove(63);
    for (const [slot, key] of CROWD.slice(0, 8).entries()) expect(index.get(key)).toBe(slot);
  });

  it('does nothing on remove of a slot whose key was moved to another slot', () => {
    const index = new SlotIndex(SLOTS, 4);
    index.put('abc', 3);
    index.put('abc', 5);
    index.put(CROWD[0], 0);
    index.remove(3);
    expect(index.get('abc')).toBe(5);
    expect(index.get(CROWD[0])).toBe(0);
    index.remove(5);
    expect(index.get('abc')).toBe(-1);
  });

  it('does nothing on a second remove of the same slot', () => {
    const index = new SlotIndex(SLOTS, 4);
    CROWD.slice(0, 6).forEach((key, slot) => index.put(key, slot));
    index.remove(2);
    index.remove(2);
    for (const [slot, key] of CROWD.slice(0, 6).entries()) expect(index.get(key)).toBe(slot === 2 ? -1 : slot);
  });

  it.each(SAME_HASH)('keeps %s and %s apart although their hashes are equal', (a, b) => {
    expect(fnv1a(a)).toBe(fnv1a(b));
    const index = new SlotIndex(SLOTS, 4);
    index.put(a, 1);
    expect(index.get(b)).toBe(-1);
    index.put(b, 2);
    expect([index.get(a), index.get(b)]).toEqual([1, 2]);
    index.remove(1);
    expect([index.get(a), index.get(b)]).toEqual([-1, 2]);
  });

  it('answers -1 for the empty key and any key when empty, also with no slots', () => {
    expect(new SlotIndex(0, 4).get('')).toBe(-1);
    const index = new SlotIndex(SLOTS, 4);
    expect(index.get('')).toBe(-1);
    expect(index.get('k0')).toBe(-1);
    index.put('', 4);
    expect(index.get('')).toBe(4);
  });
});
