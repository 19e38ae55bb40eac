// The in-process issuer stub: cards and balances in memory, decisions by design §5 (first match
// wins), holds placed by approvals and released by reversals. Asynchronous, and can time out.

import { isLuhnValid, yymmUtc, type IsoMessage } from '../codec/index.js';
import { IssuerError, type AuthorizationRequest, type IssuerBackend, type IssuerDecision, type ReversalRequest } from '../shared/index.js';
import { currencyExponent, type Card } from './cards.js';

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

const decline = (responseCode: string, reason: string): IssuerDecision => ({ responseCode, reason, approvalCode: null, holdId: null });

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

/** The serial that hold id `H${serial}` names, or 0 unless `holdId` is exactly that for 1 <= serial <= `last`. */
function serialOf(holdId: string, last: number): number {
  // 'H' (0x48), then a decimal without leading zeros: 16 digits are more than any serial reaches.
  if (holdId.length < 2 || holdId.length > 17 || holdId.charCodeAt(0) !== 0x48 || holdId.charCodeAt(1) === 0x30) return 0;
  let serial = 0;
  for (let i = 1; i < holdId.length; i++) {
    const digit = holdId.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return 0;
    serial = serial * 10 + digit;
  }
  return Number.isSafeInteger(serial) && serial <= last ? serial : 0;
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
  /** The UTC day number and its YYMM, recomputed when the day changes rather than per request. */
  #today = -1;
  #thisMonth = '';

  /** `maxHolds`: how many of the newest approvals keep their hold reversible (default 1000000; a fraction rounds down, NaN means no bound). */
  constructor(cards: readonly Card[], nowMs: () => number = Date.now, maxHolds: number = DEFAULT_MAX_HOLDS) {
    this.#nowMs = nowMs;
    this.#holds = new HoldRing(Number.isNaN(maxHolds) ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(maxHolds)));
    for (const card of cards) {
      const scale = 10 ** currencyExponent(card.currency);
      const account: Account = {
        card,
        index: this.#accountList.length,
        availableMinor: Math.round(card.balance * scale),
        limitMinor: card.dailyLimit === null ? null : Math.round(card.dailyLimit * scale),
        spentTodayMinor: 0,
        day: 0,
      };
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
    if (account !== undefined && account.card.delayMs > 0) await this.#delay(account.card.delayMs, timeoutMs);
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
    return { responseCode: '00', reason: 'hold released', approvalCode: null, holdId: null };
  }

  async close(): Promise<void> {}

  #decide(req: AuthorizationRequest<IsoMessage>, account: Account | undefined): IssuerDecision {
    if (!isLuhnValid(req.pan) || account === undefined) return decline('14', 'unknown card');
    const card = account.card;
    const now = this.#nowMs();
    const day = Math.floor(now / 86_400_000);
    if (day !== this.#today) {
      this.#today = day;
      this.#thisMonth = yymmUtc(now);
    }
    // Both answer 54, as issuers do (the terminal's remedy is the same: check the card's date); the
    // reason, which the audit record keeps, tells a card past its date from a DE 14 of another card.
    if (card.expiry < this.#thisMonth) return decline('54', 'expired card');
    if (req.expiry !== null && req.expiry !== card.expiry) return decline('54', 'expiry date mismatch');
    if (card.status === 'blocked') return decline('62', 'blocked card');
    if (card.status === 'lost') return decline('41', 'lost card');
    if (card.status === 'stolen') return decline('43', 'stolen card');
    const amount = req.amountMinor;
    if (!Number.isSafeInteger(amount) || amount <= 0 || (req.currency !== '' && req.currency !== card.currency)) {
      return decline('13', 'invalid amount');
    }
    if (account.day !== day) {
      account.day = day;
      account.spentTodayMinor = 0;
    }
    if (account.limitMinor !== null && account.spentTodayMinor + amount > account.limitMinor) return decline('61', 'over the daily limit');
    if (amount > account.availableMinor) return decline('51', 'insufficient funds');
    account.availableMinor -= amount;
    account.spentTodayMinor += amount;
    const serial = ++this.#serial;
    this.#holds.place(serial, account.index, amount, day);
    return { responseCode: '00', reason: 'approved', approvalCode: (serial % 36 ** 6).toString(36).toUpperCase().padStart(6, '0'), holdId: `H${serial}` };
  }

  /** Waits `delayMs`, or rejects with ISSUER_TIMEOUT after `timeoutMs` when that comes first. */
  #delay(delayMs: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (delayMs <= timeoutMs) setTimeout(resolve, delayMs);
      else setTimeout(() => reject(new IssuerError('ISSUER_TIMEOUT', `stub issuer did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
  }
}
