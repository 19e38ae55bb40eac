// PgStubIssuer against a real PostgreSQL: it decides as StubIssuer does (the same rules, shared),
// keeps balances and holds in rows that two nodes share without losing an update, releases a hold
// once whichever node a reversal reaches, and seeds its accounts once from the cards file.

import { describe, expect, it } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { StubIssuer, type Card } from '../../src/issuer/index.js';
import { ConfigError, type AuthorizationRequest, type IssuerDecision, type ReversalRequest } from '../../src/common/index.js';
import { PgStubIssuer, Store } from '../../src/store/index.js';
import { CardSecrets } from '../helpers/leak-check.js';
import { LogCollector } from '../helpers/log-collector.js';
import { postgresPerFile } from '../helpers/postgres-file.js';
import { fileCards, testCards } from '../helpers/test-cards.js';

const db = postgresPerFile();

const NOON = Date.UTC(2026, 10, 23, 12);
const PAN = testCards()[0].pan;
const card = (changes: Partial<Card> = {}): Card => ({ pan: PAN, expiry: '2812', status: 'active', balance: 100, currency: '840', dailyLimit: null, delayMs: 0, note: '', ...changes });

function request(pan: string, amountMinor: number, changes: Partial<AuthorizationRequest<IsoMessage>> = {}): AuthorizationRequest<IsoMessage> {
  return { kind: 'authorization', message: new IsoMessage('0100'), pan, expiry: null, amountMinor, currency: '840', processingCode: '000000', traceId: '0'.repeat(32), traceparent: null, rrn: '', ...changes };
}

const reversal = (holdId: string): ReversalRequest<IsoMessage> => ({ message: new IsoMessage('0400'), holdId, traceId: '0'.repeat(32), traceparent: null, rrn: '', cause: 'cancellation' });

async function stubOn(url: string, nodeId: string, cards: readonly Card[], nowMs: () => number = () => NOON): Promise<{ stub: PgStubIssuer; store: Store }> {
  const store = await Store.open({ url, nodeId, version: 'test', logger: new LogCollector() });
  db.track(store);
  return { stub: await PgStubIssuer.open(store, cards, 'cards.json', nowMs), store };
}

describe('PgStubIssuer', () => {
  it('decides every request as StubIssuer does, declines, approvals and their hold ids alike', async () => {
    // The slow cards' delay is the same code in both: left out, so that the test does not wait.
    const cards = [...fileCards().map((c) => ({ ...c, delayMs: 0 })), card({ pan: testCards()[1].pan, dailyLimit: 1.5, balance: 50 })];
    const memory = new StubIssuer(cards, () => NOON);
    const { stub } = await stubOn(await db.server.newDatabase(), 'a', cards);
    const requests = [
      ...cards.map((c) => request(c.pan, 10_000, { expiry: c.expiry })),
      ...cards.map((c) => request(c.pan, 100)),
      request(PAN, 100, { expiry: '0101' }), request(PAN, 0), request(PAN, 100, { currency: '978' }),
      request(testCards()[1].pan, 100), request(testCards()[1].pan, 100), request(`${PAN.slice(0, -1)}${(Number(PAN.at(-1)) + 1) % 10}`, 100),
    ];
    const decisions: Array<[IssuerDecision, IssuerDecision]> = [];
    for (const r of requests) decisions.push([await stub.authorize(r, 1000), await memory.authorize(r, 1000)]);
    for (const [pg, mem] of decisions) expect(pg).toEqual(mem);
    expect(new Set(decisions.map(([d]) => d.responseCode)).size).toBeGreaterThan(4);
    for (const c of cards) expect(await stub.availableMinor(c.pan)).toBe(memory.availableMinor(c.pan));
  });

  it('releases on node B the hold node A placed, once, however often and wherever the reversal comes', async () => {
    const cards = [card()];
    const url = await db.server.newDatabase();
    const a = await stubOn(url, 'a', cards);
    const b = await stubOn(url, 'b', cards);
    const approval = await a.stub.authorize(request(PAN, 2_500), 1000);
    expect(approval.responseCode).toBe('00');
    expect(await b.stub.availableMinor(PAN)).toBe(7_500);
    const [onB, onA, again] = await Promise.all([b.stub.reverse(reversal(approval.holdId!)), a.stub.reverse(reversal(approval.holdId!)), b.stub.reverse(reversal(approval.holdId!))]);
    expect([onB, onA, again].map((d) => d.responseCode)).toEqual(['00', '00', '00']);
    expect([onB, onA, again].map((d) => d.reason).sort()).toEqual(['hold already released', 'hold already released', 'hold released']);
    expect(await a.stub.availableMinor(PAN)).toBe(10_000);
    expect((await a.stub.reverse(reversal('H999'))).responseCode).toBe('25');
    expect((await a.stub.reverse(reversal('X1'))).responseCode).toBe('25');
  });

  it('loses no update between two nodes: of 40 concurrent approvals of 10.00 on 100.00, exactly 10 pass', async () => {
    const cards = [card({ dailyLimit: 1_000 })];
    const url = await db.server.newDatabase();
    const a = await stubOn(url, 'a', cards);
    const b = await stubOn(url, 'b', cards);
    const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).stub.authorize(request(PAN, 1_000), 1000)));
    expect(decisions.filter((d) => d.responseCode === '00')).toHaveLength(10);
    expect(decisions.filter((d) => d.responseCode === '51')).toHaveLength(30);
    expect(new Set(decisions.map((d) => d.holdId).filter((h) => h !== null)).size).toBe(10);
    expect(await a.stub.availableMinor(PAN)).toBe(0);
    const { rows } = await a.store.query<{ spent: string }>('a test', 'SELECT spent_today_minor AS spent FROM isotrace.stub_accounts');
    expect(Number(rows[0].spent)).toBe(10_000);
  });

  it('decides a turn of requests over several cards in one batch as StubIssuer does one by one, limits and balances alike', async () => {
    // stub_decide (migration 6) applies fundsDecline's rule in SQL: the two must agree, in order.
    const cards = [
      card({ balance: 30, dailyLimit: 20 }),
      card({ pan: testCards()[1].pan, balance: 25, dailyLimit: null }),
      card({ pan: testCards()[2].pan, balance: 100, dailyLimit: 12.5 }),
      card({ pan: testCards()[3].pan, balance: 10, dailyLimit: 5 }),
      card({ pan: testCards()[4].pan, balance: 3, dailyLimit: null }),
    ];
    const memory = new StubIssuer(cards, () => NOON);
    const { stub } = await stubOn(await db.server.newDatabase(), 'a', cards);
    let seed = 7;
    const next = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const requests = Array.from({ length: 60 }, () => request(cards[next(3)].pan, 50 + next(600)));
    // Exactly at the limit and at the balance: approved; a cent more: declined.
    requests.push(request(cards[3].pan, 500), request(cards[3].pan, 1), request(cards[4].pan, 300), request(cards[4].pan, 1));
    const inBatch = await Promise.all(requests.map((r) => stub.authorize(r, 1000)));
    const oneByOne: IssuerDecision[] = [];
    for (const r of requests) oneByOne.push(await memory.authorize(r, 1000));
    expect(inBatch.map((d) => [d.responseCode, d.reason])).toEqual(oneByOne.map((d) => [d.responseCode, d.reason]));
    expect(new Set(inBatch.map((d) => d.responseCode))).toEqual(new Set(['00', '51', '61']));
    for (const c of cards) expect(await stub.availableMinor(c.pan)).toBe(memory.availableMinor(c.pan));
  });

  it('decides the requests of one event-loop turn in one statement', async () => {
    const { stub, store } = await stubOn(await db.server.newDatabase(), 'a', [card()]);
    let acquired = 0;
    store.pool.on('acquire', () => acquired++);
    const decisions = await Promise.all(Array.from({ length: 12 }, () => stub.authorize(request(PAN, 1_000), 1000)));
    expect(decisions.map((d) => d.responseCode)).toEqual([...Array(10).fill('00'), '51', '51']); // in order, as one by one
    expect(acquired).toBe(1);
  });

  it('seeds the accounts once when two nodes start together, and keeps balances across a restart', async () => {
    const cards = fileCards();
    const url = await db.server.newDatabase();
    const [a, b] = await Promise.all([stubOn(url, 'a', cards), stubOn(url, 'b', cards)]);
    expect((await a.store.query('a test', 'SELECT 1 FROM isotrace.stub_accounts')).rowCount).toBe(cards.length);
    const approving = cards.find((c) => c.balance > 10 && c.status === 'active' && c.delayMs === 0)!;
    expect((await b.stub.authorize(request(approving.pan, 1_000, { currency: approving.currency }), 1000)).responseCode).toBe('00');
    const c = await stubOn(url, 'c', cards);
    expect(await c.stub.availableMinor(approving.pan)).toBe(Math.round(approving.balance * 100) - 1_000);
  });

  it('refuses, naming the cards file, cards other than those the store was seeded from', async () => {
    const url = await db.server.newDatabase();
    await stubOn(url, 'a', [card()]);
    const err = await stubOn(url, 'b', [card({ pan: testCards()[1].pan })]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/cards\.json.*seeded from another cards file \(account 0 differs\)/);
  });

  it('keeps no clear PAN in any row, only the masked one', async () => {
    const cards = fileCards();
    const url = await db.server.newDatabase();
    const { stub, store } = await stubOn(url, 'a', cards);
    await stub.authorize(request(PAN, 100, { expiry: cards[0].expiry }), 1000);
    const secrets = new CardSecrets();
    for (const c of cards) secrets.pans.add(c.pan);
    const rows = await Promise.all(['stub_accounts', 'stub_holds'].map((t) => store.query('a test', `SELECT * FROM isotrace.${t}`)));
    const text = JSON.stringify(rows.map((r) => r.rows));
    expect(secrets.leaksIn(text)).toEqual([]);
    expect(text).toContain(`${PAN.slice(0, 6)}`);
  });
});
