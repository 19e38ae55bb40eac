// The issuer stub's decisions as pure functions (design §5, first match wins), shared by the
// in-memory StubIssuer and the stub whose balances and holds live in a shared store. No state, no I/O.

import { isLuhnValid, yymmUtc, type IsoMessage } from '../codec/index.js';
import { IssuerError, type AuthorizationRequest, type IssuerDecision } from '../common/index.js';
import { currencyExponent, type Card } from './cards.js';

export const decline = (responseCode: string, reason: string): IssuerDecision => ({ responseCode, reason, approvalCode: null, holdId: null });

/** A ms day: the UTC day number the daily limit counts by. */
export const MS_PER_DAY = 86_400_000;

/** A card's opening balance and daily limit in minor units of its currency. */
export function openingMinor(card: Card): { availableMinor: number; limitMinor: number | null } {
  const scale = 10 ** currencyExponent(card.currency);
  return { availableMinor: Math.round(card.balance * scale), limitMinor: card.dailyLimit === null ? null : Math.round(card.dailyLimit * scale) };
}

/**
 * The decline of what the card and request say alone, before any money is looked at: unknown
 * card (14), expired or another expiry (54), blocked (62), lost (41), stolen (43), a bad amount or
 * currency (13); null when the request goes on to the limit and the balance. `thisMonth`: YYMM (UTC).
 */
export function cardDecline(req: AuthorizationRequest<IsoMessage>, card: Card | undefined, thisMonth: string): IssuerDecision | null {
  if (!isLuhnValid(req.pan) || card === undefined) return decline('14', 'unknown card');
  // Both answer 54, as issuers do (the terminal's remedy is the same: check the card's date); the
  // reason, which the audit record keeps, tells a card past its date from a DE 14 of another card.
  if (card.expiry < thisMonth) return decline('54', 'expired card');
  if (req.expiry !== null && req.expiry !== card.expiry) return decline('54', 'expiry date mismatch');
  if (card.status === 'blocked') return decline('62', 'blocked card');
  if (card.status === 'lost') return decline('41', 'lost card');
  if (card.status === 'stolen') return decline('43', 'stolen card');
  const amount = req.amountMinor;
  if (!Number.isSafeInteger(amount) || amount <= 0 || (req.currency !== '' && req.currency !== card.currency)) {
    return decline('13', 'invalid amount');
  }
  return null;
}

/** The decline of `amountMinor` against the day's limit (61), then the balance (51); null: it fits. Amounts in minor units. */
export function fundsDecline(amountMinor: number, spentTodayMinor: number, limitMinor: number | null, availableMinor: number): IssuerDecision | null {
  if (limitMinor !== null && spentTodayMinor + amountMinor > limitMinor) return fundsDeclineOf('61');
  if (amountMinor > availableMinor) return fundsDeclineOf('51');
  return null;
}

/** The decline fundsDecline gives for its code (also the store's stub_decide's codes). */
export const fundsDeclineOf = (code: '51' | '61'): IssuerDecision => (code === '61' ? decline('61', 'over the daily limit') : decline('51', 'insufficient funds'));

/** The approval that places hold `serial`: its hold id `H${serial}` and a DE 38 made of the serial. */
export function approvalOf(serial: number): IssuerDecision {
  return { responseCode: '00', reason: 'approved', approvalCode: (serial % 36 ** 6).toString(36).toUpperCase().padStart(6, '0'), holdId: `H${serial}` };
}

/** A reversal's answer: the hold is released (a fresh object: callers may keep it). */
export const holdReleased = (reason = 'hold released'): IssuerDecision => ({ responseCode: '00', reason, approvalCode: null, holdId: null });

/** The serial that hold id `H${serial}` names, or 0 unless `holdId` is exactly that for 1 <= serial <= `last`. */
export function serialOf(holdId: string, last: number): number {
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

/** The UTC day number and its YYMM, recomputed when the day changes rather than per request. */
export class StubCalendar {
  #today = -1;
  #thisMonth = '';

  /** The UTC day number of `nowMs`; thisMonth is then its YYMM. */
  dayOf(nowMs: number): number {
    const day = Math.floor(nowMs / MS_PER_DAY);
    if (day !== this.#today) {
      this.#today = day;
      this.#thisMonth = yymmUtc(nowMs);
    }
    return day;
  }

  get thisMonth(): string {
    return this.#thisMonth;
  }
}

/** Waits `delayMs` (a card playing a slow issuer), or rejects with ISSUER_TIMEOUT after `timeoutMs` when that comes first. */
export function stubDelay(delayMs: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (delayMs <= timeoutMs) setTimeout(resolve, delayMs);
    else setTimeout(() => reject(new IssuerError('ISSUER_TIMEOUT', `stub issuer did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
}
