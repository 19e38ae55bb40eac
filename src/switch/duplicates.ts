// Duplicate detection: a request repeating (MTI less its repeat digit, DE 32, 41, 11, 7) in the window
// gets the first answer again, byte for byte. Entries hold a copy of the answer, never a view.

import { KeyFifo } from './key-fifo.js';

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

interface Entry {
  expiresAtMs: number;
  /** Where the entry's latest place in the expiry queue falls due (later than expiresAtMs once requeued). */
  queuedUntilMs: number;
  /**
   * The first answer's bytes as a latin1 string (null while the first request is in flight):
   * on the heap, unlike one small Buffer per answer, which costs the garbage collector far more
   * when hundreds of thousands are kept.
   */
  bytes: string | null;
  responseCode: string;
  approvalCode: string | null;
  /** Repeats that arrived while the first was in flight. */
  waiters: Array<(answer: CachedAnswer) => void> | null;
}

function answerOf(e: Entry): CachedAnswer {
  return { bytes: Buffer.from(e.bytes as string, 'latin1'), responseCode: e.responseCode, approvalCode: e.approvalCode };
}

export interface DuplicateCacheOptions {
  /** How long an answer is kept for repeats, in ms. Default 300000 (5 min). */
  windowMs: number;
  /** Most entries kept; the oldest go first beyond it. Default 200000. */
  maxEntries: number;
}

export const DEFAULT_DUPLICATE_CACHE: Readonly<DuplicateCacheOptions> = Object.freeze({ windowMs: 300_000, maxEntries: 200_000 });

export class DuplicateCache {
  readonly #options: DuplicateCacheOptions;
  readonly #entries = new Map<string, Entry>();
  /** The keys of #entries, oldest first. */
  readonly #order = new KeyFifo();
  readonly #nowMs: () => number;

  constructor(options: Partial<DuplicateCacheOptions> = {}, nowMs: () => number = Date.now) {
    this.#options = { ...DEFAULT_DUPLICATE_CACHE, ...options };
    this.#nowMs = nowMs;
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
    const found = this.#entries.get(key);
    // An answer past its window may still be here when an entry in flight held up the queue.
    if (found === undefined || (found.bytes !== null && found.expiresAtMs <= now)) {
      // HOT: a first request costs one small object, no promise.
      const expiresAtMs = now + this.#options.windowMs;
      this.#entries.set(key, { expiresAtMs, queuedUntilMs: expiresAtMs, bytes: null, responseCode: '', approvalCode: null, waiters: null });
      this.#order.push(key, expiresAtMs);
      if (this.#entries.size > this.#options.maxEntries) this.#evictForRoom(now);
      return null;
    }
    if (found.bytes !== null) return { answer: Promise.resolve(answerOf(found)) };
    const waiters = (found.waiters ??= []);
    return { answer: new Promise<CachedAnswer>((resolve) => waiters.push(resolve)) };
  }

  /** Records the answer a claimed request sent; waiting repeats receive the same bytes. */
  settle(key: string, answer: CachedAnswer): void {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.bytes !== null) return;
    entry.bytes = answer.bytes.toString('latin1');
    entry.responseCode = answer.responseCode;
    entry.approvalCode = answer.approvalCode;
    if (entry.waiters !== null) for (const resolve of entry.waiters) resolve(answerOf(entry));
    entry.waiters = null;
  }

  get size(): number {
    return this.#entries.size;
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
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.queuedUntilMs !== at) return;
    if (entry.bytes !== null) {
      this.#entries.delete(key);
      return;
    }
    entry.queuedUntilMs = now + this.#options.windowMs;
    this.#order.push(key, entry.queuedUntilMs);
  }
}
