// The embedded issuer stub's approving test cards, read from its cards file: the default cards of
// `terminal` and `load`, so that no card number is written into the sources.

import { readJsonFile } from './config.js';
import { yymmUtc } from '../codec/index.js';
import { loadCards, type Card } from '../issuer/index.js';
import { SERVE_OPTIONS } from './serve-options.js';

const DEFAULT_CARDS_FILE = String(SERVE_OPTIONS.find((o) => o.name === 'cards')!.default);


/** Cards of `file` that approve small USD amounts: active, unexpired, no delay, no daily limit, USD 1,000 or more. */
export function approvingCards(file = DEFAULT_CARDS_FILE): Card[] {
  const cards = loadCards(readJsonFile(file, 'cards'), file);
  const month = yymmUtc(Date.now());
  return cards.filter((c) => c.status === 'active' && c.expiry >= month && c.delayMs === 0 && c.dailyLimit === null && c.currency === '840' && c.balance >= 1000);
}

/**
 * The expiry (YYMM) of `pan` in the cards file `file`, or null when the file does not list it or
 * cannot be read (then the caller's default applies: a card of another issuer has no known date).
 */
export function cardExpiry(pan: string, file = DEFAULT_CARDS_FILE): string | null {
  try {
    return loadCards(readJsonFile(file, 'cards'), file).find((c) => c.pan === pan)?.expiry ?? null;
  } catch {
    return null;
  }
}
