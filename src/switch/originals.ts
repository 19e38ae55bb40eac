// Approved originals, kept so that a reversal (0400/0420) can find the hold to release: by DE 90
// (original MTI, STAN, DE 7, acquirer) or by DE 11 + DE 41 + DE 7. Both carry the original's STAN
// and DE 7, so one map entry per approval serves both. Bounded in age and count.

import type { IssuerDecision } from '../shared/index.js';
import { KeyFifo } from './key-fifo.js';

export interface Original {
  issuer: string;
  holdId: string;
  /**
   * The issuer's answer to the reversal under way or done: a second reversal (an 0420 racing an
   * 0400) waits on it instead of releasing twice. Null until a reversal starts, and again after
   * one failed, so that a later one retries.
   */
  reversal: Promise<IssuerDecision> | null;
  readonly mti: string;
  /** DE 32 zero-filled to 11 digits, as DE 90 carries it. */
  readonly acquirer: string;
  readonly terminal: string;
  readonly expiresAtMs: number;
  /** Another approval with the same STAN and DE 7 (other terminal or acquirer), if any. */
  next: Original | null;
}

/** What identifies an original: its MTI, STAN, DE 7, acquirer (DE 32) and terminal (DE 41). */
export interface OriginalIds {
  mti: string;
  stan: string;
  transmission: string;
  acquirer: string;
  terminal: string;
}

/** How a reversal names its original: DE 90's first 31 digits, or its own DE 11 + DE 41 + DE 7. */
export type OriginalRef = { de90: string } | { stan: string; terminal: string; transmission: string };

export interface OriginalsOptions {
  /** How long an approval stays reversible, in ms. Default 86400000 (24 h). */
  keepMs: number;
  /** Most approvals kept; the oldest go first beyond it. Default 1000000. */
  maxEntries: number;
}

export const DEFAULT_ORIGINALS: Readonly<OriginalsOptions> = Object.freeze({ keepMs: 86_400_000, maxEntries: 1_000_000 });

export class OriginalsTable {
  readonly #options: OriginalsOptions;
  /** By `${STAN}|${DE 7}`, newest approval first in each list; #order says which is oldest. */
  readonly #byStan = new Map<string, Original>();
  /** One key per approval remembered, oldest first (a key repeats when STAN and DE 7 do). */
  readonly #order = new KeyFifo();
  readonly #nowMs: () => number;

  constructor(options: Partial<OriginalsOptions> = {}, nowMs: () => number = Date.now) {
    this.#options = { ...DEFAULT_ORIGINALS, ...options };
    this.#nowMs = nowMs;
  }

  /** HOT: remembers an approval. */
  remember(ids: OriginalIds, issuer: string, holdId: string): void {
    const now = this.#nowMs();
    this.#expire(now);
    const key = `${ids.stan}|${ids.transmission}`;
    const expiresAtMs = now + this.#options.keepMs;
    const original: Original = {
      issuer, holdId, reversal: null, mti: ids.mti, acquirer: ids.acquirer.padStart(11, '0'), terminal: ids.terminal,
      expiresAtMs, next: this.#byStan.get(key) ?? null,
    };
    this.#byStan.set(key, original);
    this.#order.push(key, expiresAtMs);
    if (this.#order.length > this.#options.maxEntries) this.#dropOldest();
  }

  /** The approval a reversal names, if it is still kept. */
  find(ref: OriginalRef): Original | undefined {
    const now = this.#nowMs();
    const isByDe90 = 'de90' in ref;
    const key = isByDe90 ? `${ref.de90.slice(4, 10)}|${ref.de90.slice(10, 20)}` : `${ref.stan}|${ref.transmission}`;
    for (let o = this.#byStan.get(key) ?? null; o !== null; o = o.next) {
      if (o.expiresAtMs <= now) continue;
      const isMatch = isByDe90 ? o.mti === ref.de90.slice(0, 4) && o.acquirer === ref.de90.slice(20, 31) : o.terminal === ref.terminal;
      if (isMatch) return o;
    }
    return undefined;
  }

  #expire(now: number): void {
    while (this.#order.isOldestExpired(now)) this.#dropOldest();
  }

  /** Forgets the oldest approval remembered: the last of its key's list (newer ones are put in front). */
  #dropOldest(): void {
    const key = this.#order.peek()!;
    this.#order.shift();
    const first = this.#byStan.get(key)!;
    if (first.next === null) {
      this.#byStan.delete(key);
      return;
    }
    let o = first;
    while (o.next!.next !== null) o = o.next!;
    o.next = null;
  }
}
