import { afterEach, describe, expect, it, vi } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { StubIssuer, type Card } from '../../src/issuer/index.js';
import { IssuerError, type AuthorizationRequest } from '../../src/common/index.js';
import { fileCards, testCards } from '../helpers/test-cards.js';

afterEach(() => {
  vi.useRealTimers();
});

const PAN = testCards()[0].pan;
/** A card of USD 100.00 valid until December 2028, with `changes`. */
const card = (changes: Partial<Card> = {}): Card => ({ pan: PAN, expiry: '2812', status: 'active', balance: 100, currency: '840', dailyLimit: null, delayMs: 0, note: '', ...changes });
/** 2026-11-23T12:00:00Z. */
const NOON = Date.UTC(2026, 10, 23, 12);

function request(amountMinor: number, changes: Partial<AuthorizationRequest<IsoMessage>> = {}): AuthorizationRequest<IsoMessage> {
  return { kind: 'authorization', message: new IsoMessage('0100'), pan: PAN, expiry: null, amountMinor, currency: '840', processingCode: '000000', traceId: '0'.repeat(32), traceparent: null, rrn: '', ...changes };
}

/** A clock the test sets, in ms since the epoch. */
function clockAt(ms: number): { now: () => number; set: (to: number) => void } {
  let t = ms;
  return { now: () => t, set: (to) => void (t = to) };
}

describe('StubIssuer decisions, first match wins', () => {
  it.each([
    ['14 for a PAN failing Luhn, even one in the card list', card({ pan: `${PAN.slice(0, -1)}${(Number(PAN.at(-1)) + 1) % 10}` }), request(100, { pan: `${PAN.slice(0, -1)}${(Number(PAN.at(-1)) + 1) % 10}` }), '14'],
    ['14 for an unknown card', card({ pan: testCards()[1].pan }), request(100), '14'],
    ['54 for an expired card, before its status', card({ expiry: '2610', status: 'stolen' }), request(100), '54'],
    ['54 when the request names another expiry', card(), request(100, { expiry: '2811' }), '54'],
    ['62 for a blocked card, before the amount', card({ status: 'blocked' }), request(0), '62'],
    ['41 for a lost card', card({ status: 'lost' }), request(100), '41'],
    ['43 for a stolen card', card({ status: 'stolen' }), request(100), '43'],
    ['13 for a zero amount', card(), request(0), '13'],
    ['13 for a negative amount', card(), request(-100), '13'],
    ['13 for an amount that is not a number', card(), request(Number.NaN), '13'],
    ['13 for a fractional amount', card(), request(1.5), '13'],
    ['13 for another currency, before the limit', card({ dailyLimit: 0 }), request(100, { currency: '978' }), '13'],
    ['61 over the daily limit, before the funds', card({ dailyLimit: 0.5, balance: 0 }), request(51), '61'],
    ['51 for more than the balance', card(), request(10_001), '51'],
    ['00 for exactly the balance', card(), request(10_000), '00'],
    ['00 in the month the card expires', card({ expiry: '2611' }), request(100, { expiry: '2611' }), '00'],
    ['00 without a currency in the request', card(), request(100, { currency: '' }), '00'],
  ])('answers %s', async (_what, c, req, rc) => {
    const stub = new StubIssuer([c], () => NOON);
    const d = await stub.authorize(req, 1000);
    expect(d.responseCode).toBe(rc);
    expect(d.reason).not.toBe('');
    if (rc === '00') expect(d).toMatchObject({ approvalCode: expect.stringMatching(/^[0-9A-Z]{6}$/), holdId: expect.any(String) });
    else expect(d).toMatchObject({ approvalCode: null, holdId: null });
  });

  it.each([
    ['expired card', 'a card past its expiry, whatever DE 14 says', card({ expiry: '2610' }), request(100, { expiry: '2610' })],
    ['expiry date mismatch', 'a DE 14 that is not the card\'s', card(), request(100, { expiry: '3012' })],
    ['expiry date mismatch', 'a DE 14 in the past for a valid card', card(), request(100, { expiry: '2001' })],
  ])('issue #13: declines 54 with reason "%s" for %s', async (reason, _what, c, req) => {
    const stub = new StubIssuer([c], () => NOON);
    const d = await stub.authorize(req, 1000);
    expect([d.responseCode, d.reason]).toEqual(['54', reason]);
  });

  it('answers every fixture card as the README says', async () => {
    const stub = new StubIssuer(fileCards(), () => NOON);
    for (const c of testCards().filter((t) => t.expiry !== null && t.rc !== '91')) {
      const d = await stub.authorize(request(10_000, { pan: c.pan, expiry: c.expiry }), 1000);
      expect([c.pan, d.responseCode]).toEqual([c.pan, c.rc]);
    }
  });

  it('gives each approval its own approval code and hold', async () => {
    const stub = new StubIssuer([card()], () => NOON);
    const [a, b] = [await stub.authorize(request(100), 1000), await stub.authorize(request(100), 1000)];
    expect(a.approvalCode).not.toBe(b.approvalCode);
    expect(a.holdId).not.toBe(b.holdId);
  });
});

describe('StubIssuer holds', () => {
  it('holds the amount of an approval and releases it on reversal, once', async () => {
    const stub = new StubIssuer([card()], () => NOON);
    expect(stub.availableMinor(PAN)).toBe(10_000);
    const d = await stub.authorize(request(6_000), 1000);
    expect(stub.availableMinor(PAN)).toBe(4_000);
    expect((await stub.authorize(request(6_000), 1000)).responseCode).toBe('51');
    const released = await stub.reverse({ message: new IsoMessage('0400'), holdId: d.holdId!, traceId: '', traceparent: null, rrn: '', cause: 'cancellation' });
    expect(released).toMatchObject({ responseCode: '00', approvalCode: null, holdId: null });
    expect(stub.availableMinor(PAN)).toBe(10_000);
    expect((await stub.reverse({ message: new IsoMessage('0400'), holdId: d.holdId!, traceId: '', traceparent: null, rrn: '', cause: 'cancellation' })).responseCode).toBe('25');
    expect(stub.availableMinor(PAN)).toBe(10_000);
  });

  it('answers 25 to a reversal of a hold it never placed', async () => {
    const stub = new StubIssuer([card()]);
    expect((await stub.reverse({ message: new IsoMessage('0400'), holdId: 'H999', traceId: '', traceparent: null, rrn: '', cause: 'cancellation' })).responseCode).toBe('25');
  });

  it('keeps balances in minor units of the card currency', () => {
    const stub = new StubIssuer([card({ currency: '392', balance: 100_000 }), card({ pan: testCards()[1].pan, currency: '048', balance: 1.234 })]);
    expect([stub.availableMinor(PAN), stub.availableMinor(testCards()[1].pan), stub.availableMinor('0')]).toEqual([100_000, 1_234, undefined]);
  });
});

describe('StubIssuer daily limit per UTC day', () => {
  it('counts what was authorized today and starts again at 00:00 UTC', async () => {
    const clock = clockAt(Date.UTC(2026, 10, 23, 23, 0));
    const stub = new StubIssuer([card({ dailyLimit: 50 })], clock.now);
    expect((await stub.authorize(request(3_000), 1000)).responseCode).toBe('00');
    clock.set(Date.UTC(2026, 10, 23, 23, 59, 59, 999));
    expect((await stub.authorize(request(3_000), 1000)).responseCode).toBe('61');
    expect((await stub.authorize(request(2_000), 1000)).responseCode).toBe('00');
    clock.set(Date.UTC(2026, 10, 24, 0, 0));
    expect((await stub.authorize(request(5_000), 1000)).responseCode).toBe('00');
  });

  it('gives a same-day reversal back to the limit, but not one of yesterday', async () => {
    const clock = clockAt(Date.UTC(2026, 10, 23, 10));
    const stub = new StubIssuer([card({ dailyLimit: 50, balance: 1000 })], clock.now);
    const morning = await stub.authorize(request(4_000), 1000);
    await stub.reverse({ message: new IsoMessage('0400'), holdId: morning.holdId!, traceId: '', traceparent: null, rrn: '', cause: 'cancellation' });
    const again = await stub.authorize(request(5_000), 1000);
    expect(again.responseCode).toBe('00');
    clock.set(Date.UTC(2026, 10, 24, 10));
    await stub.reverse({ message: new IsoMessage('0400'), holdId: again.holdId!, traceId: '', traceparent: null, rrn: '', cause: 'cancellation' });
    expect((await stub.authorize(request(5_000), 1000)).responseCode).toBe('00');
    expect((await stub.authorize(request(1), 1000)).responseCode).toBe('61');
  });
});

describe('StubIssuer hold bound', () => {
  it('keeps only the newest maxHolds holds reversible; an older one stays spent and answers 25', async () => {
    const stub = new StubIssuer([card({ balance: 100 })], () => NOON, 3);
    const holds: string[] = [];
    for (let i = 0; i < 5; i++) holds.push((await stub.authorize(request(100), 1000)).holdId!);
    expect(stub.availableMinor(PAN)).toBe(10_000 - 500);
    const reverse = (holdId: string) => stub.reverse({ message: new IsoMessage('0400'), holdId, traceId: '', traceparent: null, rrn: '', cause: 'cancellation' });
    expect((await reverse(holds[0])).responseCode).toBe('25');
    expect((await reverse(holds[1])).responseCode).toBe('25');
    expect(stub.availableMinor(PAN)).toBe(10_000 - 500);
    for (const h of holds.slice(2)) expect((await reverse(h)).responseCode).toBe('00');
    expect(stub.availableMinor(PAN)).toBe(10_000 - 200);
  });

  it('keeps newer holds reversible after earlier ones were released', async () => {
    const stub = new StubIssuer([card({ balance: 100 })], () => NOON, 2);
    const reverse = (holdId: string) => stub.reverse({ message: new IsoMessage('0400'), holdId, traceId: '', traceparent: null, rrn: '', cause: 'cancellation' });
    const first = (await stub.authorize(request(100), 1000)).holdId!;
    expect((await reverse(first)).responseCode).toBe('00');
    const a = (await stub.authorize(request(100), 1000)).holdId!;
    const b = (await stub.authorize(request(100), 1000)).holdId!;
    expect((await reverse(a)).responseCode).toBe('00');
    expect((await reverse(b)).responseCode).toBe('00');
    expect(stub.availableMinor(PAN)).toBe(10_000);
  });
});

describe('StubIssuer hold ring', () => {
  const reverse = (stub: StubIssuer, holdId: string) => stub.reverse({ message: new IsoMessage('0400'), holdId, traceId: '', traceparent: null, rrn: '', cause: 'cancellation' });

  it('numbers holds H1, H2, … and derives the approval code from the serial in base 36', async () => {
    const stub = new StubIssuer([card()], () => NOON);
    const decisions = [];
    for (let i = 0; i < 37; i++) decisions.push(await stub.authorize(request(1), 1000));
    expect(decisions.slice(0, 2).map((d) => [d.holdId, d.approvalCode])).toEqual([['H1', '000001'], ['H2', '000002']]);
    expect([decisions[35].approvalCode, decisions[36].approvalCode, decisions[36].holdId]).toEqual(['000010', '000011', 'H37']);
  });

  it('keeps the newest maxHolds reversible as the ring wraps around many times, and reuses released slots', async () => {
    const stub = new StubIssuer([card()], () => NOON, 5);
    const holds: string[] = [];
    for (let i = 0; i < 23; i++) holds.push((await stub.authorize(request(10), 1000)).holdId!);
    expect((await reverse(stub, holds[20])).responseCode).toBe('00'); // released, its slot free
    for (let i = 0; i < 2; i++) holds.push((await stub.authorize(request(10), 1000)).holdId!);
    // Newest five: H21 (released), H22 .. H25.
    const rcs = [];
    for (const h of holds) rcs.push((await reverse(stub, h)).responseCode);
    expect(rcs.map((rc, i) => `${holds[i]}:${rc}`).filter((x) => x.endsWith(':00'))).toEqual(['H22:00', 'H23:00', 'H24:00', 'H25:00']);
    expect(stub.availableMinor(PAN)).toBe(10_000 - 25 * 10 + 5 * 10);
  });

  it('grows past its first 1024 slots up to a maxHolds that is no power of two, keeping every hold it should', async () => {
    // The model: a hold is reversible while not released and among the newest maxHolds serials.
    const maxHolds = 2500;
    const stub = new StubIssuer([card({ balance: 1_000_000 })], () => NOON, maxHolds);
    const amounts = [0];
    const released = new Set<number>();
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    let expectedMinor = 100_000_000;
    for (let step = 0; step < 9000; step++) {
      const last = amounts.length - 1;
      if (random(3) > 0 || last === 0) {
        const amount = 1 + random(9);
        const d = await stub.authorize(request(amount), 1000);
        expect(d.holdId).toBe(`H${amounts.length}`);
        amounts.push(amount);
        expectedMinor -= amount;
        continue;
      }
      const target = last - random(Math.min(last, maxHolds + 200));
      const isKept = target > last - maxHolds && !released.has(target);
      expect([target, (await reverse(stub, `H${target}`)).responseCode]).toEqual([target, isKept ? '00' : '25']);
      if (isKept) {
        released.add(target);
        expectedMinor += amounts[target];
      }
    }
    expect(amounts.length).toBeGreaterThan(maxHolds * 2);
    expect(stub.availableMinor(PAN)).toBe(expectedMinor);
  });

  it('starts with a small ring, not maxHolds slots', () => {
    const before = process.memoryUsage().arrayBuffers;
    const stubs = Array.from({ length: 20 }, () => new StubIssuer([card()]));
    expect(stubs).toHaveLength(20);
    // 20 stubs of a million slots at 28 bytes would be 560 MB.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20_000_000);
  });

  it.each([
    ['an empty id', ''],
    ['H alone', 'H'],
    ['H0', 'H0'],
    ['a leading zero', 'H01'],
    ['a lower-case h', 'h1'],
    ['another letter', 'X1'],
    ['a trailing space', 'H1 '],
    ['a leading space', ' H1'],
    ['a sign', 'H+1'],
    ['a minus', 'H-1'],
    ['a decimal point', 'H1.0'],
    ['an exponent', 'H1e0'],
    ['a non-ASCII digit', 'H\u0661'],
    ['a serial not placed yet', 'H3'],
    ['17 digits', `H${'1'.repeat(17)}`],
    ['a number past 2^53', 'H9007199254740993'],
  ])('answers 25 and releases nothing for %s', async (_what, holdId) => {
    const stub = new StubIssuer([card()], () => NOON);
    await stub.authorize(request(100), 1000);
    await stub.authorize(request(100), 1000);
    const d = await reverse(stub, holdId);
    expect(d).toEqual({ responseCode: '25', reason: 'hold not found', approvalCode: null, holdId: null });
    expect(stub.availableMinor(PAN)).toBe(9_800);
    expect((await reverse(stub, 'H1')).responseCode).toBe('00');
  });

  it('keeps nothing reversible when maxHolds is 0, and still approves', async () => {
    const stub = new StubIssuer([card()], () => NOON, 0);
    const d = await stub.authorize(request(100), 1000);
    expect(d.responseCode).toBe('00');
    expect((await reverse(stub, d.holdId!)).responseCode).toBe('25');
    expect(stub.availableMinor(PAN)).toBe(9_900);
  });
});

describe('StubIssuer delays', () => {
  it('answers after the card delay when it is within the timeout', async () => {
    vi.useFakeTimers({ now: NOON });
    const stub = new StubIssuer([card({ delayMs: 300 })]);
    let decision: string | null = null;
    void stub.authorize(request(100), 300).then((d) => (decision = d.responseCode));
    await vi.advanceTimersByTimeAsync(299);
    expect(decision).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(decision).toBe('00');
  });

  it('rejects with IssuerError ISSUER_TIMEOUT at the timeout when the card is slower, holding nothing', async () => {
    vi.useFakeTimers({ now: NOON });
    const stub = new StubIssuer([card({ delayMs: 600_000 })]);
    let err: unknown = 'pending';
    void stub.authorize(request(100), 200).then(() => (err = 'resolved'), (e: unknown) => (err = e));
    await vi.advanceTimersByTimeAsync(199);
    expect(err).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(err).toBeInstanceOf(IssuerError);
    expect(err).toMatchObject({ code: 'ISSUER_TIMEOUT', message: 'stub issuer did not answer within 200 ms' });
    expect(stub.availableMinor(PAN)).toBe(10_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
