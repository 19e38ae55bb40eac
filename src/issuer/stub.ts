// The in-process issuer stub: cards and balances in memory, decisions by design §5 (first match
// wins), holds placed by approvals and released by reversals. Asynchronous, and can time out.

import { isLuhnValid, yymmUtc, type IsoMessage } from '../codec/index.js';
import { IssuerError, type AuthorizationRequest, type IssuerBackend, type IssuerDecision, type ReversalRequest } from '../shared/index.js';
import { currencyExponent, type Card } from './cards.js';

interface Account {
  card: Card;
  /** Balance in minor units, less what is held. */
  availableMinor: number;
  limitMinor: number | null;
  spentTodayMinor: number;
  day: number;
}

interface Hold {
  pan: string;
  amountMinor: number;
  day: number;
}

const decline = (responseCode: string, reason: string): IssuerDecision => ({ responseCode, reason, approvalCode: null, holdId: null });


/**
 * Holds kept reversible: the switch's originals table forgets approvals beyond its last million
 * too, so an older hold could never be named by a reversal again. It stays spent.
 */
export const DEFAULT_MAX_HOLDS = 1_000_000;

export class StubIssuer implements IssuerBackend<IsoMessage> {
  readonly name = 'stub';
  readonly #accounts = new Map<string, Account>();
  readonly #holds = new Map<string, Hold>();
  readonly #nowMs: () => number;
  #serial = 0;
  /** The serial of the oldest hold that may still be kept (hold ids count up from H1). */
  #oldestHold = 1;
  readonly #maxHolds: number;
  /** The UTC day number and its YYMM, recomputed when the day changes rather than per request. */
  #today = -1;
  #thisMonth = '';

  constructor(cards: readonly Card[], nowMs: () => number = Date.now, maxHolds: number = DEFAULT_MAX_HOLDS) {
    this.#nowMs = nowMs;
    this.#maxHolds = maxHolds;
    for (const card of cards) {
      const scale = 10 ** currencyExponent(card.currency);
      this.#accounts.set(card.pan, {
        card,
        availableMinor: Math.round(card.balance * scale),
        limitMinor: card.dailyLimit === null ? null : Math.round(card.dailyLimit * scale),
        spentTodayMinor: 0,
        day: 0,
      });
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
    const hold = this.#holds.get(req.holdId);
    if (hold === undefined) return decline('25', 'hold not found');
    this.#holds.delete(req.holdId);
    const account = this.#accounts.get(hold.pan);
    if (account !== undefined) {
      account.availableMinor += hold.amountMinor;
      if (account.day === hold.day) account.spentTodayMinor -= hold.amountMinor;
    }
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
    if (card.expiry < this.#thisMonth || (req.expiry !== null && req.expiry !== card.expiry)) return decline('54', 'expired card');
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
    const holdId = `H${serial}`;
    this.#holds.set(holdId, { pan: card.pan, amountMinor: amount, day });
    // Oldest first, by serial: released ones are already gone, so this is O(1) per approval.
    while (this.#holds.size > this.#maxHolds) this.#holds.delete(`H${this.#oldestHold++}`);
    return { responseCode: '00', reason: 'approved', approvalCode: (serial % 36 ** 6).toString(36).toUpperCase().padStart(6, '0'), holdId };
  }

  /** Waits `delayMs`, or rejects with ISSUER_TIMEOUT after `timeoutMs` when that comes first. */
  #delay(delayMs: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (delayMs <= timeoutMs) setTimeout(resolve, delayMs);
      else setTimeout(() => reject(new IssuerError('ISSUER_TIMEOUT', `stub issuer did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
  }
}
