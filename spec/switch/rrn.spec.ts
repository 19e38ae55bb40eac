// RRN assignment (DE 37): the hour's YDDDhh prefix and a sequence that counts up per RRN, never
// behind the clock's place in the hour, so that neither a repeated STAN nor a restart repeats one.

import { describe, expect, it } from 'vitest';
import { RrnSequence } from '../../src/switch/rrn.js';

const us = (ms: number): number => ms * 1000;
/** 2025-06-12T14:30:15Z, the primer's example time: day 163, 1815000 ms into hour 14. */
const AT_MS = Date.UTC(2025, 5, 12, 14, 30, 15);

describe('RrnSequence', () => {
  it('starts at the clock\'s place in the hour (one step per 3.6 ms) under the YDDDhh prefix', () => {
    expect(new RrnSequence().next(us(AT_MS))).toBe('516314504166');
    expect(new RrnSequence().next(us(Date.UTC(2024, 11, 31, 23)))).toBe('436623000000');
    expect(new RrnSequence().next(us(Date.UTC(2024, 0, 1, 0, 59, 59, 999)))).toBe('400100999999');
  });

  it('counts up by one per RRN within the same instant, and catches up with the clock when it is ahead', () => {
    const rrns = new RrnSequence();
    expect([rrns.next(us(AT_MS)), rrns.next(us(AT_MS)), rrns.next(us(AT_MS) + 500)]).toEqual(['516314504166', '516314504167', '516314504168']);
    expect(rrns.next(us(AT_MS + 36_000))).toBe('516314514166');
  });

  it('issue #13: gives distinct RRNs to requests that share a STAN (they are no longer derived from it)', () => {
    const rrns = new RrnSequence();
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) seen.add(rrns.next(us(AT_MS)));
    expect(seen.size).toBe(5_000);
  });

  it('starts again from the clock in a new hour, with that hour\'s prefix', () => {
    const rrns = new RrnSequence();
    for (let i = 0; i < 10; i++) rrns.next(us(Date.UTC(2025, 5, 12, 14, 59, 59, 990)));
    expect(rrns.next(us(Date.UTC(2025, 5, 12, 15, 0, 0, 36)))).toBe('516315000010');
  });

  it('repeats none of the RRNs of a sequence restarted later in the same hour, when that one kept pace with the clock', () => {
    const before = new RrnSequence();
    const first = new Set<string>();
    // 200 a second for ten seconds: below one per 3.6 ms.
    for (let ms = 0; ms < 10_000; ms += 5) first.add(before.next(us(AT_MS + ms)));
    const after = new RrnSequence();
    const restarted = [after.next(us(AT_MS + 10_000)), after.next(us(AT_MS + 10_000)), after.next(us(AT_MS + 10_001))];
    for (const rrn of restarted) expect(first.has(rrn)).toBe(false);
  });

  it('keeps the prefix and counts on when the clock is set back', () => {
    const rrns = new RrnSequence();
    expect(rrns.next(us(AT_MS))).toBe('516314504166');
    expect(rrns.next(us(AT_MS - 3_600_000))).toBe('516314504167');
    expect(rrns.next(us(AT_MS - 60_000))).toBe('516314504168');
  });

  it('wraps the sequence after 999999', () => {
    const rrns = new RrnSequence();
    const last = us(Date.UTC(2025, 5, 12, 14, 59, 59, 999));
    expect([rrns.next(last), rrns.next(last)]).toEqual(['516314999999', '516314000000']);
  });
});
