// The in-process issuer stub: cards and balances in memory, decisions by design §5 (first match
// wins), holds placed by approvals and released by reversals. Asynchronous, and can time out.

import type { IsoMessage } from '../codec/index.js';
import type { AuthorizationRequest, IssuerBackend, IssuerDecision, ReversalRequest } from '../common/index.js';
import type { Card } from './cards.js';
import { holdReleased, StubCalendar, approvalOf, cardDecline, decline, fundsDecline, openingMinor, serialOf, stubDelay } from './stub-rules.js';

interface Account {
  card: Card;
  /** Where the account is in the stub's list, as a hold names it. */
  index: number;
  /** Balance in minor units, less what is held. */
  availableMinor: number;
  limitMinor: number | null;
  spentTodayMinor: number;
  day: number;
}

/**
 * Holds kept reversible: the holds of the newest million approvals. The switch's originals table
 * forgets approvals beyond its last million too, so an older hold could never be named by a
 * reversal again. It stays spent.
 */
export const DEFAULT_MAX_HOLDS = 1_000_000;

/** Slots a ring starts with; it doubles on demand up to maxHolds, so a stub that holds little stays small. */
const FIRST_HOLD_SLOTS = 1024;

/**
 * The holds of the newest `maxSlots` approvals, in typed arrays by slot `serial % capacity`: no heap
 * object per hold for the scavenger to copy and promote (a Map entry and a `{pan, amount, day}`
 * object cost about 120 heap bytes a hold; a slot costs 28 bytes outside the heap). A slot keeps
 * the serial placed in it, 0 once released; a newer serial overwrites an older one only once the
 * capacity is maxSlots, that is when the older one is maxSlots approvals old.
 */
class HoldRing {
  #serials: Float64Array;
  #amountsMinor: Float64Array;
  /** UTC day numbers: Float64Array keeps whatever the clock gave, as the Map of holds did. */
  #days: Float64Array;
  /** Index of the account in the stub's list. */
  #accounts: Int32Array;
  readonly #maxSlots: number;

  constructor(maxSlots: number) {
    this.#maxSlots = maxSlots;
    const slots = Math.min(FIRST_HOLD_SLOTS, maxSlots);
    this.#serials = new Float64Array(slots);
    this.#amountsMinor = new Float64Array(slots);
    this.#days = new Float64Array(slots);
    this.#accounts = new Int32Array(slots);
  }

  /** HOT: places hold `serial`, one more than the last placed, dropping the hold of `serial - maxSlots`. */
  place(serial: number, account: number, amountMinor: number, day: number): void {
    if (this.#maxSlots === 0) return;
    let slot = serial % this.#serials.length;
    // Every serial kept is among the last `capacity`, so a slot still taken holds `serial - capacity`:
    // one of the newest maxSlots while the capacity is less, to keep by growing; else the one to drop.
    if (this.#serials[slot] !== 0 && this.#serials.length < this.#maxSlots) {
      this.#grow();
      slot = serial % this.#serials.length;
    }
    this.#serials[slot] = serial;
    this.#amountsMinor[slot] = amountMinor;
    this.#days[slot] = day;
    this.#accounts[slot] = account;
  }

  /** The slot of hold `serial` while it is kept and not released, else -1. */
  slotOf(serial: number): number {
    if (this.#serials.length === 0) return -1;
    const slot = serial % this.#serials.length;
    return this.#serials[slot] === serial ? slot : -1;
  }

  amountMinorAt(slot: number): number {
    return this.#amountsMinor[slot];
  }

  dayAt(slot: number): number {
    return this.#days[slot];
  }

  accountAt(slot: number): number {
    return this.#accounts[slot];
  }

  release(slot: number): void {
    this.#serials[slot] = 0;
  }

  /**
   * Doubles the capacity (at most to maxSlots) and moves each hold to its new slot. The serials kept
   * lie within the last old capacity, less than the new one, so no two share a slot.
   */
  #grow(): void {
    const slots = Math.min(this.#serials.length * 2, this.#maxSlots);
    const [serials, amounts, days, accounts] = [this.#serials, this.#amountsMinor, this.#days, this.#accounts];
    this.#serials = new Float64Array(slots);
    this.#amountsMinor = new Float64Array(slots);
    this.#days = new Float64Array(slots);
    this.#accounts = new Int32Array(slots);
    for (let from = 0; from < serials.length; from++) {
      const serial = serials[from];
      if (serial === 0) continue;
      const to = serial % slots;
      this.#serials[to] = serial;
      this.#amountsMinor[to] = amounts[from];
      this.#days[to] = days[from];
      this.#accounts[to] = accounts[from];
    }
  }
}

export class StubIssuer implements IssuerBackend<IsoMessage> {
  readonly name = 'stub';
  readonly #accounts = new Map<string, Account>();
  /** Every account by its index (a card listed twice has two; the Map keeps the last). */
  readonly #accountList: Account[] = [];
  /** Holds by serial: hold ids are `H${serial}`, serials count up from 1. */
  readonly #holds: HoldRing;
  readonly #nowMs: () => number;
  #serial = 0;
  readonly #calendar = new StubCalendar();

  /** `maxHolds`: how many of the newest approvals keep their hold reversible (default 1000000; a fraction rounds down, NaN means no bound). */
  constructor(cards: readonly Card[], nowMs: () => number = Date.now, maxHolds: number = DEFAULT_MAX_HOLDS) {
    this.#nowMs = nowMs;
    this.#holds = new HoldRing(Number.isNaN(maxHolds) ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(maxHolds)));
    for (const card of cards) {
      const { availableMinor, limitMinor } = openingMinor(card);
      const account: Account = { card, index: this.#accountList.length, availableMinor, limitMinor, spentTodayMinor: 0, day: 0 };
      this.#accountList.push(account);
      this.#accounts.set(card.pan, account);
    }
  }

  /** Available balance of a card in minor units (for tests and tools); undefined for an unknown card. */
  availableMinor(pan: string): number | undefined {
    return this.#accounts.get(pan)?.availableMinor;
  }

  async authorize(req: AuthorizationRequest<IsoMessage>, timeoutMs: number): Promise<IssuerDecision> {
    const account = this.#accounts.get(req.pan);
    if (account !== undefined && account.card.delayMs > 0) await stubDelay(account.card.delayMs, timeoutMs);
    return this.#decide(req, account);
  }

  async reverse(req: ReversalRequest<IsoMessage>): Promise<IssuerDecision> {
    const serial = serialOf(req.holdId, this.#serial);
    const slot = serial === 0 ? -1 : this.#holds.slotOf(serial);
    if (slot === -1) return decline('25', 'hold not found');
    this.#holds.release(slot);
    const account = this.#accountList[this.#holds.accountAt(slot)];
    const amountMinor = this.#holds.amountMinorAt(slot);
    account.availableMinor += amountMinor;
    if (account.day === this.#holds.dayAt(slot)) account.spentTodayMinor -= amountMinor;
    return holdReleased();
  }

  async close(): Promise<void> {}

  #decide(req: AuthorizationRequest<IsoMessage>, account: Account | undefined): IssuerDecision {
    const day = this.#calendar.dayOf(this.#nowMs());
    const declined = cardDecline(req, account?.card, this.#calendar.thisMonth);
    if (declined !== null) return declined;
    const amount = req.amountMinor;
    const a = account!;
    if (a.day !== day) {
      a.day = day;
      a.spentTodayMinor = 0;
    }
    const short = fundsDecline(amount, a.spentTodayMinor, a.limitMinor, a.availableMinor);
    if (short !== null) return short;
    a.availableMinor -= amount;
    a.spentTodayMinor += amount;
    const serial = ++this.#serial;
    this.#holds.place(serial, a.index, amount, day);
    return approvalOf(serial);
  }
}
