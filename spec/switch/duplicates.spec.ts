import { describe, expect, it } from 'vitest';
import { DEFAULT_DUPLICATE_CACHE, DuplicateCache, type CachedAnswer } from '../../src/switch/index.js';

/** A clock the test moves by hand, in ms. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const answer = (text: string, responseCode = '00'): CachedAnswer => ({ bytes: Buffer.from(text), responseCode, approvalCode: responseCode === '00' ? 'ABC123' : null });

describe('DuplicateCache.keyOf', () => {
  it('joins MTI class, DE 32, DE 41, DE 11 and DE 7 in a fixed order', () => {
    expect(DuplicateCache.keyOf('1', '123456', 'TERM0001', '000042', '1123143015')).toBe('1|123456|TERM0001|000042|1123143015');
  });

  it('keeps keys apart when fields shift between neighbours', () => {
    expect(DuplicateCache.keyOf('1', '12', '3', '4', '5')).not.toBe(DuplicateCache.keyOf('1', '1', '23', '4', '5'));
  });
});

describe('DuplicateCache', () => {
  it('has a 5-minute window and 200000 entries by default', () => {
    expect(DEFAULT_DUPLICATE_CACHE).toEqual({ windowMs: 300_000, maxEntries: 200_000 });
    expect(Object.isFrozen(DEFAULT_DUPLICATE_CACHE)).toBe(true);
  });

  it('issue #13: forgets an abandoned claim: a later claim misses, and repeats that waited on it get null', async () => {
    const clock = manualClock();
    const cache = new DuplicateCache({ windowMs: 1_000 }, clock.now);
    cache.claim('k');
    const waiting = cache.claim('k')!;
    cache.abandon('k');
    expect(await waiting.answer).toBeNull();
    expect(cache.size).toBe(0);
    clock.advance(500);
    expect(cache.claim('k')).toBeNull();
    cache.settle('k', answer('second'));
    expect((await cache.claim('k')!.answer)!.bytes.toString()).toBe('second');
    // The abandoned entry's place in the expiry queue does not take the new one early.
    clock.advance(999);
    expect((await cache.claim('k')!.answer)!.bytes.toString()).toBe('second');
    clock.advance(1);
    expect(cache.claim('k')).toBeNull();
  });

  it('leaves a settled answer alone when asked to abandon it', async () => {
    const cache = new DuplicateCache();
    cache.claim('k');
    cache.settle('k', answer('kept'));
    cache.abandon('k');
    expect((await cache.claim('k')!.answer)!.bytes.toString()).toBe('kept');
  });

  it('claims a key on a miss and returns the first answer to a repeat', async () => {
    const cache = new DuplicateCache();
    expect(cache.claim('k')).toBeNull();
    cache.settle('k', answer('first'));
    const hit = cache.claim('k');
    expect(hit).not.toBeNull();
    const got = await hit!.answer;
    expect(got).toEqual({ bytes: Buffer.from('first'), responseCode: '00', approvalCode: 'ABC123' });
    expect(cache.size).toBe(1);
  });

  it('makes a repeat wait for the first answer when the first is still in flight', async () => {
    const cache = new DuplicateCache();
    cache.claim('k');
    const hits = [cache.claim('k')!, cache.claim('k')!];
    let settled = 0;
    for (const h of hits) void h.answer.then(() => settled++);
    await Promise.resolve();
    expect(settled).toBe(0);
    cache.settle('k', answer('late', '51'));
    const got = await Promise.all(hits.map((h) => h.answer));
    expect(got.map((a) => [a!.bytes.toString(), a!.responseCode, a!.approvalCode])).toEqual([['late', '51', null], ['late', '51', null]]);
  });

  it('keeps a copy of the answer bytes: later changes to the sent buffer do not reach repeats', async () => {
    const cache = new DuplicateCache();
    const chunk = Buffer.from('xxFIRSTxx');
    const sent = chunk.subarray(2, 7);
    cache.claim('k');
    cache.settle('k', { bytes: sent, responseCode: '00', approvalCode: null });
    chunk.fill(0x21);
    const got = (await cache.claim('k')!.answer)!;
    expect(got.bytes.toString()).toBe('FIRST');
  });

  it('keeps the first answer when a key is settled twice, and ignores keys it never claimed', async () => {
    const cache = new DuplicateCache();
    cache.claim('k');
    cache.settle('k', answer('one'));
    cache.settle('k', answer('two'));
    cache.settle('never-claimed', answer('x'));
    expect((await cache.claim('k')!.answer)!.bytes.toString()).toBe('one');
    expect(cache.size).toBe(1);
  });

  it('forgets an answer once the window has passed, measured on the injected clock', () => {
    const clock = manualClock();
    const cache = new DuplicateCache({ windowMs: 1000 }, clock.now);
    cache.claim('k');
    cache.settle('k', answer('first'));
    clock.advance(999);
    expect(cache.claim('k')).not.toBeNull();
    clock.advance(1);
    expect(cache.claim('k')).toBeNull(); // a new claim: the request is processed anew
  });

  it('keeps an in-flight entry past the window so that repeats still wait for it', async () => {
    const clock = manualClock();
    const cache = new DuplicateCache({ windowMs: 1000 }, clock.now);
    cache.claim('slow');
    clock.advance(5000);
    const hit = cache.claim('slow');
    expect(hit).not.toBeNull();
    cache.settle('slow', answer('done'));
    expect((await hit!.answer)!.bytes.toString()).toBe('done');
  });

  it('forgets an answer after its window even while an older request is still in flight', () => {
    const clock = manualClock();
    const cache = new DuplicateCache({ windowMs: 1000 }, clock.now);
    cache.claim('slow'); // e.g. waiting on a slow issuer, never settled in this test
    cache.claim('quick');
    cache.settle('quick', answer('quick'));
    clock.advance(2000);
    expect(cache.claim('quick')).toBeNull();
  });

  it('drops the oldest settled entry beyond maxEntries, never one in flight', () => {
    const cache = new DuplicateCache({ maxEntries: 2 });
    cache.claim('in-flight');
    cache.claim('a');
    cache.settle('a', answer('a'));
    cache.claim('b');
    expect(cache.size).toBe(2);
    expect(cache.claim('in-flight')).not.toBeNull();
    expect(cache.claim('b')).not.toBeNull();
    expect(cache.claim('a')).toBeNull();
  });

  it('requeues an entry in flight at the head and still forgets the settled entries behind it on time', async () => {
    const clock = manualClock();
    const cache = new DuplicateCache({ windowMs: 1000 }, clock.now);
    cache.claim('slow');
    clock.advance(100);
    cache.claim('a');
    cache.settle('a', answer('a'));
    clock.advance(100);
    cache.claim('b');
    cache.settle('b', answer('b'));
    clock.advance(850); // 1050: 'slow' is due and requeued; 'a' (due 1100) and 'b' (due 1200) are not
    expect(cache.claim('a')).not.toBeNull();
    expect(cache.size).toBe(3);
    clock.advance(50); // 1100
    expect(cache.claim('b')).not.toBeNull();
    expect(cache.claim('a')).toBeNull();
    clock.advance(100); // 1200
    expect(cache.claim('b')).toBeNull();
    const repeat = cache.claim('slow');
    expect(repeat).not.toBeNull();
    cache.settle('slow', answer('slow'));
    expect((await repeat!.answer)!.bytes.toString()).toBe('slow');
  });

  it('authorizes afresh when an answer past its window is still kept because it was in flight when due', async () => {
    const clock = manualClock();
    const cache = new DuplicateCache({ windowMs: 1000 }, clock.now);
    cache.claim('k');
    clock.advance(1000);
    cache.claim('other'); // 'k' is due but in flight: queued again, until 2000
    cache.settle('k', answer('old', '05'));
    clock.advance(1);
    expect(cache.claim('k')).toBeNull(); // past its window (1000), though its queue place is later
    cache.settle('k', answer('new'));
    const got = (await cache.claim('k')!.answer)!;
    expect([got.bytes.toString(), got.responseCode]).toEqual(['new', '00']);
  });

  it('keeps a key claimed again after its window from being dropped by its stale place in the queue', async () => {
    const clock = manualClock();
    const cache = new DuplicateCache({ windowMs: 1000 }, clock.now);
    cache.claim('k');
    clock.advance(1000);
    cache.claim('other'); // 'k' requeued to 2000 while in flight
    cache.settle('k', answer('old'));
    clock.advance(1); // 1001
    expect(cache.claim('k')).toBeNull(); // a new entry, due 2001; its old place (2000) is stale
    cache.settle('k', answer('new'));
    clock.advance(999); // 2000: the stale place falls due
    const hit = cache.claim('k');
    expect(hit).not.toBeNull();
    expect((await hit!.answer)!.bytes.toString()).toBe('new');
    clock.advance(1); // 2001: now the new entry's window has passed
    expect(cache.claim('k')).toBeNull();
  });

  it('returns from claim with a window of 0 while an entry is in flight, and repeats still wait for it', async () => {
    const cache = new DuplicateCache({ windowMs: 0 }, () => 42);
    expect(cache.claim('slow')).toBeNull();
    expect(cache.claim('other')).toBeNull();
    const repeat = cache.claim('slow');
    expect(repeat).not.toBeNull();
    cache.settle('slow', answer('slow'));
    expect((await repeat!.answer)!.bytes.toString()).toBe('slow');
    cache.settle('other', answer('other'));
    expect(cache.claim('other')).toBeNull(); // a window of 0: a settled answer is never reused
  });

  it('drops the oldest settled entries beyond maxEntries behind an entry in flight that was requeued', () => {
    const clock = manualClock();
    const cache = new DuplicateCache({ windowMs: 1000, maxEntries: 3 }, clock.now);
    cache.claim('slow');
    for (const k of ['a', 'b']) {
      cache.claim(k);
      cache.settle(k, answer(k));
    }
    cache.claim('c');
    cache.settle('c', answer('c'));
    expect(cache.size).toBe(3);
    expect(cache.claim('b')).not.toBeNull();
    expect(cache.claim('c')).not.toBeNull();
    expect(cache.claim('slow')).not.toBeNull();
    expect(cache.claim('a')).toBeNull();
  });

  it('keeps every answer exact as it grows past its first 1024 slots, long answers and missing approval codes included', async () => {
    const cache = new DuplicateCache({ maxEntries: 5000 });
    const answerOf = (i: number): CachedAnswer => ({
      bytes: Buffer.from(i % 7 === 0 ? `long-${i}-${'x'.repeat(300)}` : `answer-${i}`, 'latin1'),
      responseCode: i % 3 === 0 ? '05' : '00',
      approvalCode: i % 3 === 0 ? null : `A${String(i).padStart(5, '0')}`,
    });
    for (let i = 0; i < 3000; i++) {
      expect(cache.claim(`k${i}`)).toBeNull();
      cache.settle(`k${i}`, answerOf(i));
    }
    expect(cache.size).toBe(3000);
    for (const i of [0, 1, 3, 7, 1023, 1024, 2047, 2999]) {
      const got = (await cache.claim(`k${i}`)!.answer)!;
      expect([got.bytes.toString('latin1'), got.responseCode, got.approvalCode]).toEqual([answerOf(i).bytes.toString('latin1'), answerOf(i).responseCode, answerOf(i).approvalCode]);
    }
  });

  it('finds keys past the inline key width and beyond latin1 after growing, in flight and settled, and forgets evicted ones', async () => {
    const cache = new DuplicateCache({ maxEntries: 1500 });
    const keyOf = (i: number): string => (i % 5 === 0 ? `010|${'9'.repeat(60)}|T${i}` : i % 5 === 1 ? `010|\u0100\u4e2d|T${i}` : `k${i}`);
    expect(cache.claim('held')).toBeNull(); // in flight through every growth and eviction below
    for (let i = 0; i < 2000; i++) {
      expect(cache.claim(keyOf(i))).toBeNull();
      if (i !== 1999) cache.settle(keyOf(i), answer(`answer-${i}`));
    }
    expect(cache.size).toBe(1500);
    const held = cache.claim('held')!;
    cache.settle('held', answer('held answer'));
    expect((await held.answer)!.bytes.toString()).toBe('held answer');
    for (const i of [501, 502, 1024, 1025, 1998]) expect((await cache.claim(keyOf(i))!.answer)!.bytes.toString()).toBe(`answer-${i}`);
    const repeat = cache.claim(keyOf(1999))!; // still in flight: the repeat waits for it
    cache.settle(keyOf(1999), answer('last'));
    expect((await repeat.answer)!.bytes.toString()).toBe('last');
    for (const i of [0, 1, 2, 500]) expect(cache.claim(keyOf(i))).toBeNull(); // evicted: claimed afresh
  });

  it('reuses the slot of an evicted answer without mixing it into the next one kept there', async () => {
    const cache = new DuplicateCache({ maxEntries: 2 });
    cache.claim('a');
    cache.settle('a', { bytes: Buffer.from('y'.repeat(400)), responseCode: '00', approvalCode: 'OLD001' });
    cache.claim('b');
    cache.settle('b', answer('second'));
    cache.claim('c'); // evicts a: its slot is free again
    cache.settle('c', { bytes: Buffer.from('short'), responseCode: '51', approvalCode: null });
    cache.claim('d'); // evicts b
    cache.settle('d', answer('fourth'));
    expect(cache.size).toBe(2);
    const c = (await cache.claim('c')!.answer)!;
    expect([c.bytes.toString(), c.responseCode, c.approvalCode]).toEqual(['short', '51', null]);
    const d = (await cache.claim('d')!.answer)!;
    expect([d.bytes.toString(), d.responseCode, d.approvalCode]).toEqual(['fourth', '00', 'ABC123']);
    expect(cache.claim('a')).toBeNull(); // forgotten: claimed afresh
  });
});
