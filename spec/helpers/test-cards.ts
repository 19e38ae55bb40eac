// The issuer stub's test cards as the switch's tests use them: every outcome row of
// fixtures/issuer/README.md (card numbers live in fixtures/, never in test code) with the expiry
// from cards.json, and temporary cards/routes files for tests that need their own balances.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCards, type Card } from '../../src/issuer/index.js';
import { FIXTURES_DIR } from './fixtures.js';

export const CARDS_PATH = join(FIXTURES_DIR, 'issuer', 'cards.json');
export const ROUTES_PATH = join(FIXTURES_DIR, 'routes.json');

/** One row of the README's outcome table. */
export interface TestCard {
  pan: string;
  /** The DE 39 the switch answers for this card (USD 100.00 purchase). */
  rc: string;
  /** What the row says, e.g. '51 insufficient funds'. */
  outcome: string;
  /** The row's reason, e.g. 'USD 5.00 available'. */
  why: string;
  /** YYMM from cards.json; null for a card the stub does not know. */
  expiry: string | null;
}

/** The cards of fixtures/issuer/cards.json, validated. */
export function fileCards(): Card[] {
  return loadCards(JSON.parse(readFileSync(CARDS_PATH, 'utf8')), CARDS_PATH);
}

/** Every row of the README table: one card per outcome, in the README's order. */
export function testCards(): TestCard[] {
  const byPan = new Map(fileCards().map((c) => [c.pan, c]));
  const readme = readFileSync(join(FIXTURES_DIR, 'issuer', 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| (\d{12,19}) \| ((\d\d) [^|]*?) \| ([^|]*?) \|/gm)];
  if (rows.length < 10) throw new Error('fixtures/issuer/README.md: outcome table not found');
  return rows.map((m) => ({ pan: m[1], outcome: m[2], rc: m[3], why: m[4], expiry: byPan.get(m[1])?.expiry ?? null }));
}

/** The first README card answered `rc` whose row mentions `hint` (when given). */
export function cardFor(rc: string, hint = ''): TestCard {
  const card = testCards().find((c) => c.rc === rc && `${c.outcome} ${c.why}`.includes(hint));
  if (card === undefined) throw new Error(`no test card for RC ${rc} ${hint}`);
  return card;
}

/** The approving card of cards.json (first '00' row) and a copy of it with another balance. */
export function approvingCard(balance: number, overrides: Partial<Card> = {}): Card {
  const base = fileCards().find((c) => c.pan === cardFor('00').pan)!;
  return { ...base, balance, ...overrides };
}

/** Writes `cards` (and optionally routes) to a temporary folder; returns the folder and file paths. */
export function writeIssuerFiles(cards: readonly Partial<Card>[], routes?: unknown[]): { dir: string; cards: string; routes: string } {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-cards-'));
  const cardsPath = join(dir, 'cards.json');
  writeFileSync(cardsPath, JSON.stringify({ cards: cards.map(({ dailyLimit, ...c }) => (dailyLimit === null ? c : { ...c, dailyLimit })) }));
  let routesPath = ROUTES_PATH;
  if (routes !== undefined) {
    routesPath = join(dir, 'routes.json');
    writeFileSync(routesPath, JSON.stringify({ routes }));
  }
  return { dir, cards: cardsPath, routes: routesPath };
}
