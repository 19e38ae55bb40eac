// Duplicate detection: a request repeating (MTI less its repeat digit, DE 32, 41, 11, 7) in the window
// gets the first answer again, byte for byte. Entries hold a copy of the answer, never a view.

import { SlotFifo, SlotIndex, SlotStrings } from '../collections/index.js';
import type { DuplicateStore } from './duplicate-store.js';

/** The first answer to a request: its bytes and what it said. */
export interface CachedAnswer {
  bytes: Buffer;
  responseCode: string;
  approvalCode: string | null;
}

export interface DuplicateHit {
  /**
   * Resolves with the first answer (at once when it was already sent), or with null when the first
   * request's answer is not kept (abandon()): the repeat is then to be handled as a new request.
   */
  answer: Promise<CachedAnswer | null>;
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
/** Key characters kept inline (keyOf gives some 30 to 45); longer keys go to a side map. */
const KEY_WIDTH = 48;

/** What a slot holds. */
const FREE = 0;
const IN_FLIGHT = 1;
const SETTLED = 2;

/**
 * Entries live by slot: the index from key to slot, the expiry queue, the expiry times, the
 * answer's bytes and its codes all sit in typed arrays and byte slabs, not in a Map entry, a string
 * and an object per answer, which the garbage collector would copy, promote and mark, 200,000 of
 * them at a time, and which cost a cache miss or two per lookup.
 */
export class DuplicateCache implements DuplicateStore {
  readonly #options: DuplicateCacheOptions;
  #index = new SlotIndex(0, KEY_WIDTH);
  /** The slots of the entries, oldest first (and stale places of entries queued again). */
  readonly #order = new SlotFifo();
  readonly #nowMs: () => number;
  #size = 0;
  /** FREE, IN_FLIGHT (the first request not answered yet) or SETTLED. */
  #state = new Uint8Array(0);
  #expiresAtMs = new Float64Array(0);
  /** Where the entry's latest place in the expiry queue falls due (later than its expiry once requeued). */
  #queuedUntilMs = new Float64Array(0);
  /** Per slot: 1 when the answer carried an approval code. */
  #hasApprovalCode = new Uint8Array(0);
  #answers = new SlotStrings(ANSWER_WIDTH, 0);
  #responseCodes = new SlotStrings(RESPONSE_CODE_WIDTH, 0);
  #approvalCodes = new SlotStrings(APPROVAL_CODE_WIDTH, 0);
  /** Slots free for a new entry. */
  readonly #free: number[] = [];
  /** Repeats that arrived while the first was in flight, by slot. */
  readonly #waiters = new Map<number, Array<(answer: CachedAnswer | null) => void>>();

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
   * call settle(key, answer) with the answer it sent, or abandon(key) when that answer is not to
   * be sent again.
   */
  claim(key: string): DuplicateHit | null {
    const now = this.#nowMs();
    this.#expire(now);
    let slot = this.#index.get(key);
    // An answer past its window may still be here when an entry in flight held up the queue.
    if (slot < 0 || (this.#state[slot] === SETTLED && this.#expiresAtMs[slot] <= now)) {
      // HOT: a first request costs a slot and a place in the queue, no object, no promise.
      if (slot < 0) {
        slot = this.#free.pop() ?? this.#grow(this.#state.length * 2);
        this.#index.put(key, slot);
        this.#size++;
      }
      const expiresAtMs = now + this.#options.windowMs;
      this.#expiresAtMs[slot] = expiresAtMs;
      this.#queuedUntilMs[slot] = expiresAtMs;
      this.#state[slot] = IN_FLIGHT;
      this.#order.push(slot, expiresAtMs);
      if (this.#size > this.#options.maxEntries) this.#evictForRoom(now);
      return null;
    }
    if (this.#state[slot] === SETTLED) return { answer: Promise.resolve(this.#answerOf(slot)) };
    let waiters = this.#waiters.get(slot);
    if (waiters === undefined) this.#waiters.set(slot, (waiters = []));
    const waiting = waiters;
    return { answer: new Promise<CachedAnswer | null>((resolve) => waiting.push(resolve)) };
  }

  /** Records the answer a claimed request sent; waiting repeats receive the same bytes. */
  settle(key: string, answer: CachedAnswer): void {
    const slot = this.#index.get(key);
    if (slot < 0 || this.#state[slot] === SETTLED) return;
    this.#answers.setBytes(slot, answer.bytes);
    this.#responseCodes.set(slot, answer.responseCode);
    this.#approvalCodes.set(slot, answer.approvalCode ?? '');
    this.#hasApprovalCode[slot] = answer.approvalCode === null ? 0 : 1;
    this.#state[slot] = SETTLED;
    const waiters = this.#waiters.get(slot);
    if (waiters === undefined) return;
    this.#waiters.delete(slot);
    for (const resolve of waiters) resolve(this.#answerOf(slot));
  }

  /**
   * Drops the entry a claimed request holds without keeping its answer (a 96 for a system failure,
   * or no answer at all): a resend is handled anew, and repeats waiting on it get null.
   */
  abandon(key: string): void {
    const slot = this.#index.get(key);
    if (slot < 0 || this.#state[slot] !== IN_FLIGHT) return;
    this.#drop(slot);
    const waiters = this.#waiters.get(slot);
    if (waiters === undefined) return;
    this.#waiters.delete(slot);
    for (const resolve of waiters) resolve(null);
  }

  get size(): number {
    return this.#size;
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
    for (let n = this.#order.length; n > 0 && this.#size > this.#options.maxEntries; n--) this.#popOldest(now);
  }

  /**
   * Takes the oldest slot off the queue and deletes its entry, unless the entry was queued again
   * since (a stale place) or its request is still in flight: such an entry is queued again, a
   * window later, and its repeats still find it meanwhile. All places of a slot are popped before
   * the one that frees it, but for one due at the same time (a window of 0): that one may drop a
   * new entry in the slot, which with a window of 0 is past its window already.
   */
  #popOldest(now: number): void {
    const at = this.#order.oldestExpiresAtMs();
    const slot = this.#order.peek();
    this.#order.shift();
    if (this.#state[slot] === FREE || this.#queuedUntilMs[slot] !== at) return;
    if (this.#state[slot] === SETTLED) {
      this.#drop(slot);
      return;
    }
    this.#queuedUntilMs[slot] = now + this.#options.windowMs;
    this.#order.push(slot, this.#queuedUntilMs[slot]);
  }

  /** Deletes the entry in `slot` and frees the slot; its places in the expiry queue go stale. */
  #drop(slot: number): void {
    this.#index.remove(slot);
    this.#state[slot] = FREE;
    this.#size--;
    this.#answers.clear(slot);
    this.#responseCodes.clear(slot);
    this.#approvalCodes.clear(slot);
    this.#free.push(slot);
  }

  /** Grows to `slots` slots, the new ones free, and indexes the entries afresh; returns one free slot, taken. */
  #grow(slots: number): number {
    const old = this.#state.length;
    const grown = <T extends Float64Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.#expiresAtMs = grown(this.#expiresAtMs, new Float64Array(slots));
    this.#queuedUntilMs = grown(this.#queuedUntilMs, new Float64Array(slots));
    this.#state = grown(this.#state, new Uint8Array(slots));
    this.#hasApprovalCode = grown(this.#hasApprovalCode, new Uint8Array(slots));
    const slab = (from: SlotStrings, width: number): SlotStrings => {
      const to = new SlotStrings(width, slots);
      to.copyRun(from, 0, 0, old);
      return to;
    };
    this.#answers = slab(this.#answers, ANSWER_WIDTH);
    this.#responseCodes = slab(this.#responseCodes, RESPONSE_CODE_WIDTH);
    this.#approvalCodes = slab(this.#approvalCodes, APPROVAL_CODE_WIDTH);
    const index = new SlotIndex(slots, KEY_WIDTH);
    index.copyRun(this.#index, 0, 0, old);
    for (let slot = 0; slot < old; slot++) if (this.#state[slot] !== FREE) index.putCopied(slot);
    this.#index = index;
    for (let slot = slots - 1; slot > old; slot--) this.#free.push(slot);
    return old;
  }
}
