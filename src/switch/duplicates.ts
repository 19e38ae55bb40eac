// Duplicate detection: a request repeating (MTI less its repeat digit, DE 32, 41, 11, 7) in the window
// gets the first answer again, byte for byte. Entries hold a copy of the answer, never a view.

import { KeyFifo } from './key-fifo.js';
import { SlotStrings } from './slot-strings.js';

/** The first answer to a request: its bytes and what it said. */
export interface CachedAnswer {
  bytes: Buffer;
  responseCode: string;
  approvalCode: string | null;
}

export interface DuplicateHit {
  /** Resolves with the first answer (at once when it was already sent). */
  answer: Promise<CachedAnswer>;
}

export interface DuplicateCacheOptions {
  /** How long an answer is kept for repeats, in ms. Default 300000 (5 min). */
  windowMs: number;
  /** Most entries kept; the oldest go first beyond it. Default 200000. */
  maxEntries: number;
}

export const DEFAULT_DUPLICATE_CACHE: Readonly<DuplicateCacheOptions> = Object.freeze({ windowMs: 300_000, maxEntries: 200_000 });

/** Slots the cache starts with; they double on demand. */
const FIRST_SLOTS = 1024;
/** Answer bytes kept inline per slot (an 0110 is some 150); longer ones go to a side map. */
const ANSWER_WIDTH = 254;
/** DE 39 (2) and DE 38 (6) kept inline; longer ones go to a side map. */
const RESPONSE_CODE_WIDTH = 4;
const APPROVAL_CODE_WIDTH = 8;

/**
 * Per entry, a key string (its Map key) and a slot: the expiry times, the answer's bytes and its
 * codes sit in typed arrays and byte slabs by slot, not in an object and a string per answer, which
 * the garbage collector would copy, promote and mark, 200,000 of them at a time.
 */
export class DuplicateCache {
  readonly #options: DuplicateCacheOptions;
  readonly #entries = new Map<string, number>();
  /** The keys of #entries, oldest first. */
  readonly #order = new KeyFifo();
  readonly #nowMs: () => number;
  #expiresAtMs = new Float64Array(0);
  /** Where the entry's latest place in the expiry queue falls due (later than its expiry once requeued). */
  #queuedUntilMs = new Float64Array(0);
  /** 1 once the first answer is in; 0 while the first request is in flight. */
  #isSettled = new Uint8Array(0);
  /** Per slot: 1 when the answer carried an approval code. */
  #hasApprovalCode = new Uint8Array(0);
  #answers = new SlotStrings(ANSWER_WIDTH, 0);
  #responseCodes = new SlotStrings(RESPONSE_CODE_WIDTH, 0);
  #approvalCodes = new SlotStrings(APPROVAL_CODE_WIDTH, 0);
  /** Slots free for a new entry. */
  readonly #free: number[] = [];
  /** Repeats that arrived while the first was in flight, by slot. */
  readonly #waiters = new Map<number, Array<(answer: CachedAnswer) => void>>();

  constructor(options: Partial<DuplicateCacheOptions> = {}, nowMs: () => number = Date.now) {
    this.#options = { ...DEFAULT_DUPLICATE_CACHE, ...options };
    this.#nowMs = nowMs;
    this.#free.push(this.#grow(FIRST_SLOTS));
  }

  /** The key of a request: fixed-order concatenation, no JSON. */
  static keyOf(mti: string, acquirer: string, terminal: string, stan: string, transmission: string): string {
    return `${mti}|${acquirer}|${terminal}|${stan}|${transmission}`;
  }

  /**
   * Looks `key` up; on a miss, claims it for this request and returns null. The caller must later
   * call settle(key, bytes) with the answer it sent.
   */
  claim(key: string): DuplicateHit | null {
    const now = this.#nowMs();
    this.#expire(now);
    let slot = this.#entries.get(key);
    // An answer past its window may still be here when an entry in flight held up the queue.
    if (slot === undefined || (this.#isSettled[slot] === 1 && this.#expiresAtMs[slot] <= now)) {
      // HOT: a first request costs a Map entry and a place in the queue, no object, no promise.
      if (slot === undefined) {
        slot = this.#free.pop() ?? this.#grow(this.#isSettled.length * 2);
        // Kept as one flat string: reading a char flattens the concatenation keyOf made, whose
        // parts (slices of the request among them) would otherwise be kept with it.
        key.charCodeAt(0);
        this.#entries.set(key, slot);
      }
      const expiresAtMs = now + this.#options.windowMs;
      this.#expiresAtMs[slot] = expiresAtMs;
      this.#queuedUntilMs[slot] = expiresAtMs;
      this.#isSettled[slot] = 0;
      this.#order.push(key, expiresAtMs);
      if (this.#entries.size > this.#options.maxEntries) this.#evictForRoom(now);
      return null;
    }
    if (this.#isSettled[slot] === 1) return { answer: Promise.resolve(this.#answerOf(slot)) };
    let waiters = this.#waiters.get(slot);
    if (waiters === undefined) this.#waiters.set(slot, (waiters = []));
    const waiting = waiters;
    return { answer: new Promise<CachedAnswer>((resolve) => waiting.push(resolve)) };
  }

  /** Records the answer a claimed request sent; waiting repeats receive the same bytes. */
  settle(key: string, answer: CachedAnswer): void {
    const slot = this.#entries.get(key);
    if (slot === undefined || this.#isSettled[slot] === 1) return;
    this.#answers.setBytes(slot, answer.bytes);
    this.#responseCodes.set(slot, answer.responseCode);
    this.#approvalCodes.set(slot, answer.approvalCode ?? '');
    this.#hasApprovalCode[slot] = answer.approvalCode === null ? 0 : 1;
    this.#isSettled[slot] = 1;
    const waiters = this.#waiters.get(slot);
    if (waiters === undefined) return;
    this.#waiters.delete(slot);
    for (const resolve of waiters) resolve(this.#answerOf(slot));
  }

  get size(): number {
    return this.#entries.size;
  }

  #answerOf(slot: number): CachedAnswer {
    const approvalCode = this.#hasApprovalCode[slot] === 1 ? this.#approvalCodes.get(slot) : null;
    return { bytes: this.#answers.bytesAt(slot), responseCode: this.#responseCodes.get(slot), approvalCode };
  }

  #expire(now: number): void {
    // Bounded by one pass: with a window of 0, an entry in flight is queued again already due.
    for (let n = this.#order.length; n > 0 && this.#order.isOldestExpired(now); n--) this.#popOldest(now);
  }

  #evictForRoom(now: number): void {
    for (let n = this.#order.length; n > 0 && this.#entries.size > this.#options.maxEntries; n--) this.#popOldest(now);
  }

  /**
   * Takes the oldest key off the queue and deletes its entry, unless the key was queued again
   * since (a stale position) or its request is still in flight: such an entry is queued again,
   * a window later, and its repeats still find it meanwhile.
   */
  #popOldest(now: number): void {
    const at = this.#order.oldestExpiresAtMs();
    const key = this.#order.peek()!;
    this.#order.shift();
    const slot = this.#entries.get(key);
    if (slot === undefined || this.#queuedUntilMs[slot] !== at) return;
    if (this.#isSettled[slot] === 1) {
      this.#entries.delete(key);
      this.#answers.clear(slot);
      this.#responseCodes.clear(slot);
      this.#approvalCodes.clear(slot);
      this.#free.push(slot);
      return;
    }
    this.#queuedUntilMs[slot] = now + this.#options.windowMs;
    this.#order.push(key, this.#queuedUntilMs[slot]);
  }

  /** Grows to `slots` slots, the new ones free; returns one of them, taken. */
  #grow(slots: number): number {
    const old = this.#isSettled.length;
    const grown = <T extends Float64Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.#expiresAtMs = grown(this.#expiresAtMs, new Float64Array(slots));
    this.#queuedUntilMs = grown(this.#queuedUntilMs, new Float64Array(slots));
    this.#isSettled = grown(this.#isSettled, new Uint8Array(slots));
    this.#hasApprovalCode = grown(this.#hasApprovalCode, new Uint8Array(slots));
    const slab = (from: SlotStrings, width: number): SlotStrings => {
      const to = new SlotStrings(width, slots);
      to.copyRun(from, 0, 0, old);
      return to;
    };
    this.#answers = slab(this.#answers, ANSWER_WIDTH);
    this.#responseCodes = slab(this.#responseCodes, RESPONSE_CODE_WIDTH);
    this.#approvalCodes = slab(this.#approvalCodes, APPROVAL_CODE_WIDTH);
    for (let slot = slots - 1; slot > old; slot--) this.#free.push(slot);
    return old;
  }
}
