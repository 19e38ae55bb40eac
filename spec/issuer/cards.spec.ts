import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CARD_STATUSES, currencyExponent, loadCards } from '../../src/issuer/index.js';
import { ConfigError } from '../../src/common/index.js';
import { thrown } from '../helpers/bytes.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import { fileCards, testCards } from '../helpers/test-cards.js';

const PAN = testCards()[0].pan;
const OTHER_PAN = testCards()[1].pan;
const good = { pan: PAN, expiry: '2812', status: 'active', balance: 100 };

describe('loadCards', () => {
  it('loads fixtures/issuer/cards.json with defaults for what a card leaves out', () => {
    const cards = fileCards();
    expect(cards.length).toBeGreaterThanOrEqual(10);
    expect(new Set(cards.map((c) => c.status))).toEqual(new Set(CARD_STATUSES));
    const [first] = loadCards({ cards: [good] });
    expect(first).toEqual({ pan: PAN, expiry: '2812', status: 'active', balance: 100, currency: '840', dailyLimit: null, delayMs: 0, note: '' });
  });

  it('keeps every optional field when given', () => {
    const [card] = loadCards({ cards: [{ ...good, currency: '392', dailyLimit: 0, delayMs: 600_000, note: 'n' }] });
    expect(card).toMatchObject({ currency: '392', dailyLimit: 0, delayMs: 600_000, note: 'n' });
  });

  it.each([
    ['no cards list', { card: [] }, 'cards.json', 'expected {"cards": [ ... ]}'],
    ['null', null, 'cards.json', 'expected {"cards": [ ... ]}'],
    ['a card that is not an object', { cards: ['x'] }, 'cards.json.cards[0]', 'expected a card object'],
    ['a card that is a list', { cards: [[]] }, 'cards.json.cards[0]', 'expected a card object'],
    ['an unknown key', { cards: [{ ...good, limit: 5 }] }, 'cards.json.cards[0].limit', 'unknown option; known options: pan, expiry, status, balance, currency, dailyLimit, delayMs, note'],
    ['a short PAN', { cards: [{ ...good, pan: '41111111111' }] }, 'cards.json.cards[0].pan', 'expected 12 to 19 digits'],
    ['a PAN as a number', { cards: [{ ...good, pan: Number(PAN) }] }, 'cards.json.cards[0].pan', 'expected 12 to 19 digits'],
    ['a PAN with spaces', { cards: [{ ...good, pan: `${PAN.slice(0, 4)} ${PAN.slice(4)}` }] }, 'cards.json.cards[0].pan', 'expected 12 to 19 digits'],
    ['month 13', { cards: [{ ...good, expiry: '2813' }] }, 'cards.json.cards[0].expiry', 'expected YYMM'],
    ['month 00', { cards: [{ ...good, expiry: '2800' }] }, 'cards.json.cards[0].expiry', 'expected YYMM'],
    ['an expiry as a number', { cards: [{ ...good, expiry: 2812 }] }, 'cards.json.cards[0].expiry', 'expected YYMM'],
    ['an unknown status', { cards: [{ ...good, status: 'frozen' }] }, 'cards.json.cards[0].status', 'expected one of active, blocked, lost, stolen, got "frozen"'],
    ['a missing status', { cards: [{ ...good, status: undefined }] }, 'cards.json.cards[0].status', 'expected one of active, blocked, lost, stolen, got undefined'],
    ['a negative balance', { cards: [{ ...good, balance: -1 }] }, 'cards.json.cards[0].balance', 'expected a number in 0..1000000000000, got -1'],
    ['a balance as text', { cards: [{ ...good, balance: '100' }] }, 'cards.json.cards[0].balance', 'expected a number in 0..1000000000000, got "100"'],
    ['a two-digit currency', { cards: [{ ...good, currency: '84' }] }, 'cards.json.cards[0].currency', 'expected an ISO 4217 numeric code such as "840"'],
    ['a currency as a number', { cards: [{ ...good, currency: 840 }] }, 'cards.json.cards[0].currency', 'expected an ISO 4217 numeric code such as "840"'],
    ['a negative daily limit', { cards: [{ ...good, dailyLimit: -5 }] }, 'cards.json.cards[0].dailyLimit', 'expected a number in 0..1000000000000, got -5'],
    ['a fractional delay', { cards: [{ ...good, delayMs: 1.5 }] }, 'cards.json.cards[0].delayMs', 'expected an integer in 0..600000, got 1.5'],
    ['a delay over 10 minutes', { cards: [{ ...good, delayMs: 600_001 }] }, 'cards.json.cards[0].delayMs', 'expected an integer in 0..600000, got 600001'],
    ['the same PAN twice', { cards: [good, { ...good, status: 'lost' }] }, 'cards.json.cards[1].pan', 'the same PAN is listed twice'],
  ])('throws ConfigError naming the card and field for %s', (_what, json, path, detail) => {
    const err = thrown(() => loadCards(json, 'cards.json'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', path, message: `${path}: ${detail}` });
  });

  it('names the card by its position in the list', () => {
    const err = thrown(() => loadCards({ cards: [good, { ...good, pan: OTHER_PAN, expiry: '9999' }] }));
    expect(err.message).toBe('cards.cards[1].expiry: expected YYMM');
  });

  it('never shows a long value in full in an error', () => {
    const err = thrown(() => loadCards({ cards: [{ ...good, status: 'x'.repeat(60) }] }));
    expect(err.message).toContain('a string of 60 characters');
  });
});

describe('fixtures/issuer/README.md', () => {
  it('issue #13: lists every card of cards.json with its expiry', () => {
    const readme = readFileSync(join(FIXTURES_DIR, 'issuer', 'README.md'), 'utf8');
    const listed = new Map([...readme.matchAll(/^\| (\d{12,19}) \|.*\| (\S+)[^|]* \|$/gm)].map((m) => [m[1], m[2]]));
    for (const card of fileCards()) expect([card.pan, listed.get(card.pan)]).toEqual([card.pan, card.expiry]);
  });
});

describe('currencyExponent', () => {
  it.each([['840', 2], ['978', 2], ['392', 0], ['410', 0], ['048', 3], ['414', 3], ['512', 3], ['999', 2]])('is %s -> %i', (currency, exponent) => {
    expect(currencyExponent(currency)).toBe(exponent);
  });
});
