// The stub issuer's cards, loaded from data (fixtures/issuer/cards.json) and validated at start-up:
// a bad card fails with a ConfigError naming the card and the field.

// One ISO 4217 table for the whole project lives in the codec; the issuer re-exports it as before.
export { currencyExponent } from '../codec/index.js';
import { ConfigError, checkKnownKeys, checkNumber, checkOneOf, checkInteger } from '../common/index.js';

export const CARD_STATUSES = ['active', 'blocked', 'lost', 'stolen'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export interface Card {
  pan: string;
  /** YYMM. */
  expiry: string;
  status: CardStatus;
  /** Available balance in major units of `currency` (e.g. dollars). */
  balance: number;
  /** ISO 4217 numeric, default '840'. */
  currency: string;
  /** Most that may be authorized per UTC day, in major units; null for no limit. */
  dailyLimit: number | null;
  /** Milliseconds the stub waits before answering (to play a slow issuer); 0 by default. */
  delayMs: number;
  note: string;
}

const CARD_KEYS = { pan: 0, expiry: 0, status: 0, balance: 0, currency: 0, dailyLimit: 0, delayMs: 0, note: 0 };

function checkCard(raw: unknown, where: string): Card {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(where, 'expected a card object');
  const c = raw as Record<string, unknown>;
  checkKnownKeys(where, c, CARD_KEYS);
  if (typeof c.pan !== 'string' || !/^\d{12,19}$/.test(c.pan)) throw new ConfigError(`${where}.pan`, 'expected 12 to 19 digits');
  if (typeof c.expiry !== 'string' || !/^\d\d(0[1-9]|1[0-2])$/.test(c.expiry)) throw new ConfigError(`${where}.expiry`, 'expected YYMM');
  const currency = c.currency ?? '840';
  if (typeof currency !== 'string' || !/^\d{3}$/.test(currency)) throw new ConfigError(`${where}.currency`, 'expected an ISO 4217 numeric code such as "840"');
  return {
    pan: c.pan,
    expiry: c.expiry,
    status: checkOneOf(`${where}.status`, c.status, CARD_STATUSES),
    balance: checkNumber(`${where}.balance`, c.balance, 0, 1e12),
    currency,
    dailyLimit: c.dailyLimit === undefined ? null : checkNumber(`${where}.dailyLimit`, c.dailyLimit, 0, 1e12),
    delayMs: c.delayMs === undefined ? 0 : checkInteger(`${where}.delayMs`, c.delayMs, 0, 600_000),
    note: typeof c.note === 'string' ? c.note : '',
  };
}

/** Cards from the parsed contents of a cards file: `{"cards": [...]}`. `source` names it in errors. */
export function loadCards(json: unknown, source = 'cards'): Card[] {
  const list = (json as { cards?: unknown } | null)?.cards;
  if (!Array.isArray(list)) throw new ConfigError(source, 'expected {"cards": [ ... ]}');
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const card = checkCard(raw, `${source}.cards[${i}]`);
    if (seen.has(card.pan)) throw new ConfigError(`${source}.cards[${i}].pan`, 'the same PAN is listed twice');
    seen.add(card.pan);
    return card;
  });
}
