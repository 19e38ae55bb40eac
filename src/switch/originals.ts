// Approved originals, kept so that a reversal (0400/0420) can find the hold to release: by DE 90
// (original MTI, STAN, DE 7, acquirer) or by DE 11 + DE 41 + DE 7. Both carry the original's STAN
// and DE 7, so one index entry per STAN and DE 7 serves both. Bounded in age and count. In 1993
// the time is DE 12 (local, n 12), as DE 56 names the original by it.

import { SlotIndex, SlotStrings } from '../collections/index.js';
import type { IssuerDecision } from '../common/index.js';
import { InFlightOriginals } from './in-flight.js';
import type { OriginalStore } from './original-store.js';

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
  /** DE 32 as the approval carried it (DE 90 carries it zero-filled to 11 digits). */
  readonly acquirer: string;
  readonly terminal: string;
  /** Another, older approval with the same STAN and DE 7 (other terminal or acquirer), if any. */
  readonly next: Original | null;
}

/** What identifies an original: its MTI, STAN, DE 7, acquirer (DE 32) and terminal (DE 41). */
export interface OriginalIds {
  mti: string;
  stan: string;
  transmission: string;
  acquirer: string;
  terminal: string;
}

/**
 * How a reversal names its original: DE 90's first 31 digits; the original's data elements taken
 * apart (DE 56 of 1993: `transmission` is then DE 12, `acquirer` zero-filled to 11); or its own
 * DE 11 + DE 41 + time.
 */
export type OriginalRef =
  | { de90: string }
  | { mti: string; stan: string; transmission: string; acquirer: string }
  | { stan: string; terminal: string; transmission: string };

/** The key of an original in the table and among those in flight: its STAN and time (DE 7, or DE 12 in 1993). */
export function originalKey(stan: string, transmission: string): string {
  return `${stan}|${transmission}`;
}

/** The key `ref` names its original by. */
export function keyOfRef(ref: OriginalRef): string {
  return 'de90' in ref ? originalKey(ref.de90.slice(4, 10), ref.de90.slice(10, 20)) : originalKey(ref.stan, ref.transmission);
}

/**
 * What `ref` says of its original: from DE 90, its MTI, STAN, time and acquirer (zero-filled to 11
 * digits); else `ref` as given (DE 56's parts, or the reversal's own STAN, terminal and time).
 */
export function idsOfRef(ref: OriginalRef): Exclude<OriginalRef, { de90: string }> {
  return 'de90' in ref
    ? { mti: ref.de90.slice(0, 4), stan: ref.de90.slice(4, 10), transmission: ref.de90.slice(10, 20), acquirer: ref.de90.slice(20, 31) }
    : ref;
}

export interface OriginalsOptions {
  /** How long an approval stays reversible, in ms. Default 86400000 (24 h). */
  keepMs: number;
  /** Most approvals kept; the oldest go first beyond it. Default 1000000. */
  maxEntries: number;
}

export const DEFAULT_ORIGINALS: Readonly<OriginalsOptions> = Object.freeze({ keepMs: 86_400_000, maxEntries: 1_000_000 });

/** Slots the ring starts with; it doubles on demand up to maxEntries, so a small table stays small. */
const FIRST_SLOTS = 1024;
/** Characters kept inline per slot: `${STAN}|${DE 7}` (17), then the hold id and each id, one slab each. */
const KEY_WIDTH = 24;
const TEXT_WIDTHS = { holdId: 24, mti: 4, acquirer: 12, terminal: 16 } as const;
type TextField = keyof typeof TEXT_WIDTHS;

const textSlabs = (slots: number): Record<TextField, SlotStrings> => ({
  holdId: new SlotStrings(TEXT_WIDTHS.holdId, slots), mti: new SlotStrings(TEXT_WIDTHS.mti, slots),
  acquirer: new SlotStrings(TEXT_WIDTHS.acquirer, slots), terminal: new SlotStrings(TEXT_WIDTHS.terminal, slots),
});
const NONE = -1;

/** An approval as find() hands it out: its values, and its reversal kept by the table. */
class OriginalView implements Original {
  readonly #table: OriginalsTable;
  /** Where the table keeps it (moved when the ring grows). */
  slot: number;
  readonly issuer: string;
  readonly holdId: string;
  readonly mti: string;
  readonly acquirer: string;
  readonly terminal: string;
  reversal: Promise<IssuerDecision> | null = null;

  constructor(table: OriginalsTable, slot: number, issuer: string, text: Record<TextField, SlotStrings>) {
    this.#table = table;
    this.slot = slot;
    this.issuer = issuer;
    this.holdId = text.holdId.get(slot);
    this.mti = text.mti.get(slot);
    this.acquirer = text.acquirer.get(slot);
    this.terminal = text.terminal.get(slot);
  }

  get next(): Original | null {
    return this.#table.olderThan(this);
  }
}

/**
 * Per approval, no heap object: its expiry, issuer and list links sit in typed arrays by ring slot,
 * its key, hold id and ids as bytes (SlotStrings), and the index from STAN and DE 7 to the newest
 * slot is a SlotIndex. The garbage collector has nothing to copy, promote or mark per approval,
 * however many are kept. find() makes a view of one, kept while its slot is (a reversal marks it).
 */
export class OriginalsTable implements OriginalStore {
  readonly #keepMs: number;
  /** maxEntries as a whole count: a fraction rounds down, NaN means no bound. */
  readonly #maxEntries: number;
  /** Slots oldest first from #head, wrapping. */
  #slots = 0;
  #head = 0;
  #count = 0;
  #expiresAtMs = new Float64Array(0);
  /** The older approval of the same STAN and DE 7, and the newer one: slots, or NONE. */
  #older = new Int32Array(0);
  #newer = new Int32Array(0);
  #issuer = new Int32Array(0);
  #text = textSlabs(0);
  /** `${STAN}|${DE 7}` to the newest slot with it. */
  #byKey = new SlotIndex(0, KEY_WIDTH);
  /** Issuer names, by the number #issuer keeps (a switch has a handful). */
  readonly #issuerNames: string[] = [];
  readonly #issuerNumbers = new Map<string, number>();
  /** Views handed out by find(), by slot: what a reversal marks on one, later finds see. */
  readonly #views = new Map<number, OriginalView>();
  readonly #nowMs: () => number;
  /** Approvals still under way, which a reversal naming one waits for. */
  readonly inFlight = new InFlightOriginals();

  constructor(options: Partial<OriginalsOptions> = {}, nowMs: () => number = Date.now) {
    const { keepMs, maxEntries } = { ...DEFAULT_ORIGINALS, ...options };
    this.#keepMs = keepMs;
    this.#maxEntries = Number.isNaN(maxEntries) ? Number.POSITIVE_INFINITY : Math.floor(maxEntries);
    this.#resize(Math.max(0, Math.min(FIRST_SLOTS, this.#maxEntries)));
    this.#nowMs = nowMs;
  }

  /** HOT: remembers an approval. */
  remember(ids: OriginalIds, issuer: string, holdId: string): void {
    const now = this.#nowMs();
    this.#expire(now);
    if (this.#maxEntries < 1) return;
    if (this.#count >= this.#maxEntries) this.#dropOldest();
    else if (this.#count === this.#slots) this.#resize(Math.min(this.#slots * 2, this.#maxEntries));
    const key = originalKey(ids.stan, ids.transmission);
    const slot = (this.#head + this.#count) % this.#slots;
    const older = this.#byKey.get(key);
    this.#byKey.put(key, slot);
    this.#older[slot] = older;
    this.#newer[slot] = NONE;
    if (older !== NONE) this.#newer[older] = slot;
    this.#expiresAtMs[slot] = now + this.#keepMs;
    this.#issuer[slot] = this.#issuerNumber(issuer);
    this.#text.holdId.set(slot, holdId);
    this.#text.mti.set(slot, ids.mti);
    this.#text.acquirer.set(slot, ids.acquirer);
    this.#text.terminal.set(slot, ids.terminal);
    this.#count++;
  }

  /** The approval a reversal names, if it is still kept. */
  find(ref: OriginalRef): Original | undefined {
    const now = this.#nowMs();
    const ids = idsOfRef(ref);
    const isById = 'mti' in ids;
    const key = originalKey(ids.stan, ids.transmission);
    for (let slot = this.#byKey.get(key); slot !== NONE; slot = this.#older[slot]) {
      if (this.#expiresAtMs[slot] <= now) continue;
      const o = this.#view(slot);
      // Padding here, where reversals are rare, spares each approval a padded copy of DE 32.
      const isMatch = isById ? o.mti === ids.mti && o.acquirer.padStart(11, '0') === ids.acquirer : o.terminal === (ref as { terminal: string }).terminal;
      if (isMatch) return o;
    }
    return undefined;
  }

  /** The approval remembered before `view` with the same STAN and DE 7, while kept. */
  olderThan(view: OriginalView): Original | null {
    if (this.#views.get(view.slot) !== view) return null;
    const older = this.#older[view.slot];
    return older === NONE ? null : this.#view(older);
  }

  #view(slot: number): OriginalView {
    let view = this.#views.get(slot);
    if (view === undefined) {
      view = new OriginalView(this, slot, this.#issuerNames[this.#issuer[slot]], this.#text);
      this.#views.set(slot, view);
    }
    return view;
  }

  #issuerNumber(issuer: string): number {
    let n = this.#issuerNumbers.get(issuer);
    if (n === undefined) {
      n = this.#issuerNames.push(issuer) - 1;
      this.#issuerNumbers.set(issuer, n);
    }
    return n;
  }

  #expire(now: number): void {
    while (this.#count > 0 && this.#expiresAtMs[this.#head] <= now) this.#dropOldest();
  }

  /**
   * Forgets the oldest approval remembered, in O(1): it is the last of its key's list (newer ones
   * are put in front), so its newer one is where to cut the list.
   */
  #dropOldest(): void {
    const oldest = this.#head;
    this.#head = this.#head + 1 === this.#slots ? 0 : this.#head + 1;
    this.#count--;
    const newer = this.#newer[oldest];
    if (newer === NONE) this.#byKey.remove(oldest);
    else this.#older[newer] = NONE;
    this.#views.delete(oldest);
  }

  /** Lays the ring out in `slots` slots, oldest first from slot 0, and indexes it again. */
  #resize(slots: number): void {
    const moved = (old: number): number => (old === NONE ? NONE : (old - this.#head + this.#slots) % this.#slots);
    const expiresAtMs = new Float64Array(slots);
    const older = new Int32Array(slots);
    const newer = new Int32Array(slots);
    const issuer = new Int32Array(slots);
    const text = textSlabs(slots);
    const byKey = new SlotIndex(slots, KEY_WIDTH);
    // The ring in at most two runs: from #head to its end, then from slot 0.
    const first = Math.min(this.#count, this.#slots - this.#head);
    for (const [from, to, count] of [[this.#head, 0, first], [0, first, this.#count - first]]) {
      expiresAtMs.set(this.#expiresAtMs.subarray(from, from + count), to);
      issuer.set(this.#issuer.subarray(from, from + count), to);
      for (const field of Object.keys(text) as TextField[]) text[field].copyRun(this.#text[field], from, to, count);
      byKey.copyRun(this.#byKey, from, to, count);
    }
    for (let i = 0; i < this.#count; i++) {
      const from = (this.#head + i) % this.#slots;
      older[i] = moved(this.#older[from]);
      newer[i] = moved(this.#newer[from]);
      // Each key is indexed at its newest slot.
      if (newer[i] === NONE) byKey.putCopied(i);
    }
    const views = [...this.#views.values()];
    this.#views.clear();
    for (const view of views) {
      view.slot = moved(view.slot);
      this.#views.set(view.slot, view);
    }
    [this.#expiresAtMs, this.#older, this.#newer, this.#issuer] = [expiresAtMs, older, newer, issuer];
    [this.#text, this.#byKey] = [text, byKey];
    this.#slots = slots;
    this.#head = 0;
  }
}
