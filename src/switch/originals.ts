// Approved originals, kept so that a reversal (0400/0420) can find the hold to release: by DE 90
// (original MTI, STAN, DE 7, acquirer) or by DE 11 + DE 41 + DE 7. Bounded in age and count.

export interface Original {
  issuer: string;
  holdId: string;
  /** Set once a reversal released the hold: later reversals are acknowledged without a second release. */
  isReversed: boolean;
  readonly expiresAtMs: number;
}

export interface OriginalsOptions {
  /** How long an approval stays reversible, in ms. Default 86400000 (24 h). */
  keepMs: number;
  /** Most approvals kept; the oldest go first beyond it. Default 1000000. */
  maxEntries: number;
}

export const DEFAULT_ORIGINALS: Readonly<OriginalsOptions> = Object.freeze({ keepMs: 86_400_000, maxEntries: 1_000_000 });

/** The first 31 digits of DE 90 an original is found by: MTI, STAN, DE 7, acquirer id (11, zero-filled). */
export function originalDataKey(mti: string, stan: string, transmission: string, acquirer: string): string {
  return `D|${mti}${stan}${transmission}${acquirer.padStart(11, '0')}`;
}

/** The key for reversals without DE 90: the original's STAN, terminal and DE 7. */
export function terminalKey(stan: string, terminal: string, transmission: string): string {
  return `T|${stan}|${terminal}|${transmission}`;
}

export class OriginalsTable {
  readonly #options: OriginalsOptions;
  readonly #byKey = new Map<string, Original>();
  readonly #nowMs: () => number;

  constructor(options: Partial<OriginalsOptions> = {}, nowMs: () => number = Date.now) {
    this.#options = { ...DEFAULT_ORIGINALS, ...options };
    this.#nowMs = nowMs;
  }

  /** Remembers an approval under each of `keys`. */
  remember(keys: readonly string[], issuer: string, holdId: string): void {
    const now = this.#nowMs();
    this.#expire(now);
    const original: Original = { issuer, holdId, isReversed: false, expiresAtMs: now + this.#options.keepMs };
    // Keys are unique per approval, so insertion order is expiry order without a delete first.
    for (const key of keys) this.#byKey.set(key, original);
    while (this.#byKey.size > this.#options.maxEntries) this.#byKey.delete(this.#byKey.keys().next().value as string);
  }

  /** The approval under the first key that has one. */
  find(keys: readonly string[]): Original | undefined {
    const now = this.#nowMs();
    for (const key of keys) {
      const o = this.#byKey.get(key);
      if (o !== undefined && o.expiresAtMs > now) return o;
    }
    return undefined;
  }

  #expire(now: number): void {
    for (const [key, o] of this.#byKey) {
      if (o.expiresAtMs > now) return;
      this.#byKey.delete(key);
    }
  }
}
