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
    expect(got.map((a) => [a.bytes.toString(), a.responseCode, a.approvalCode])).toEqual([['late', '51', null], ['late', '51', null]]);
  });

  it('keeps a copy of the answer bytes: later changes to the sent buffer do not reach repeats', async () => {
    const cache = new DuplicateCache();
    const chunk = Buffer.from('xxFIRSTxx');
    const sent = chunk.subarray(2, 7);
    cache.claim('k');
    cache.settle('k', { bytes: sent, responseCode: '00', approvalCode: null });
    chunk.fill(0x21);
    const got = await cache.claim('k')!.answer;
    expect(got.bytes.toString()).toBe('FIRST');
  });

  it('keeps the first answer when a key is settled twice, and ignores keys it never claimed', async () => {
    const cache = new DuplicateCache();
    cache.claim('k');
    cache.settle('k', answer('one'));
    cache.settle('k', answer('two'));
    cache.settle('never-claimed', answer('x'));
    expect((await cache.claim('k')!.answer).bytes.toString()).toBe('one');
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
    expect((await hit!.answer).bytes.toString()).toBe('done');
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
});
