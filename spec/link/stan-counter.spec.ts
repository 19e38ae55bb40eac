import { describe, expect, it } from 'vitest';
import { MAX_STAN, StanCounter, stanAfter } from '../../src/link/index.js';

describe('StanCounter', () => {
  it('wraps from 999999 to 000001 (never 000000)', () => {
    const c = new StanCounter(999_998);
    expect([c.next(), c.next(), c.next()]).toEqual(['999998', '999999', '000001']);
  });
});

describe('stanAfter', () => {
  it('issue #14: wraps the number after 999999 to 1 as StanCounter does, so every STAN sender counts alike', () => {
    expect([stanAfter(1), stanAfter(MAX_STAN - 1), stanAfter(MAX_STAN)]).toEqual([2, MAX_STAN, 1]);
    const c = new StanCounter(MAX_STAN);
    c.next();
    expect(c.peek).toBe(stanAfter(MAX_STAN));
  });
});
