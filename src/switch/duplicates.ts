// Duplicate detection: a request repeating (MTI less its repeat digit, DE 32, 41, 11, 7) in the window
// gets the first answer again, byte for byte. Entries hold a copy of the answer, never a view.

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
  /** Insertion order is expiry order (one window for all), so the oldest entry is always first. */
  readonly #entries = new Map<string, Entry>();
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
    if (found === undefined) {
      // HOT: a first request costs one small object, no promise.
      this.#entries.set(key, { expiresAtMs: now + this.#options.windowMs, bytes: null, responseCode: '', approvalCode: null, waiters: null });
      if (this.#entries.size > this.#options.maxEntries) this.#dropOldest();
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
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAtMs > now) return;
      if (entry.bytes === null) continue; // still in flight: keep until settled, look past it
      this.#entries.delete(key);
    }
  }

  #dropOldest(): void {
    for (const [key, entry] of this.#entries) {
      if (entry.bytes === null) continue;
      this.#entries.delete(key);
      return;
    }
  }
}
