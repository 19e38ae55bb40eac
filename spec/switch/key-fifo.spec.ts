// KeyFifo: keys in push order with their expiry times; shifting past the compaction point (4096
// shifts, half the array) must keep the order and the times of what is left.

import { describe, expect, it } from 'vitest';
import { KeyFifo } from '../../src/switch/key-fifo.js';

/** Shifts every key out, oldest first, with its expiry time. */
function drain(fifo: KeyFifo): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  while (fifo.length > 0) {
    out.push([fifo.peek()!, fifo.oldestExpiresAtMs()]);
    fifo.shift();
  }
  return out;
}

describe('KeyFifo', () => {
  it('is empty when new: no key, NaN expiry, nothing expired', () => {
    const fifo = new KeyFifo();
    expect(fifo.length).toBe(0);
    expect(fifo.peek()).toBeUndefined();
    expect(fifo.oldestExpiresAtMs()).toBeNaN();
    expect(fifo.isOldestExpired(Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('gives keys back oldest first, each with its own expiry time', () => {
    const fifo = new KeyFifo();
    fifo.push('a', 10);
    fifo.push('b', 20);
    fifo.push('a', 30);
    expect(fifo.length).toBe(3);
    expect(drain(fifo)).toEqual([['a', 10], ['b', 20], ['a', 30]]);
  });

  it('tells the oldest key expired at and after its time, not before', () => {
    const fifo = new KeyFifo();
    fifo.push('k', 100);
    fifo.push('later', 200);
    expect(fifo.isOldestExpired(99)).toBe(false);
    expect(fifo.isOldestExpired(100)).toBe(true);
    expect(fifo.isOldestExpired(150)).toBe(true);
    fifo.shift();
    expect(fifo.isOldestExpired(150)).toBe(false);
    expect(fifo.isOldestExpired(200)).toBe(true);
  });

  it('does nothing when shifted empty, and takes pushes afterwards', () => {
    const fifo = new KeyFifo();
    fifo.shift();
    fifo.push('x', 1);
    fifo.shift();
    fifo.shift();
    expect(fifo.length).toBe(0);
    fifo.push('y', 2);
    expect(fifo.length).toBe(1);
    expect(fifo.peek()).toBe('y');
    expect(fifo.oldestExpiresAtMs()).toBe(2);
  });

  it('keeps order and expiry times across compaction when 6000 of 10000 keys are shifted', () => {
    const fifo = new KeyFifo();
    for (let i = 0; i < 10_000; i++) fifo.push(`k${i}`, 1_000 + i);
    for (let i = 0; i < 6_000; i++) {
      expect(fifo.peek()).toBe(`k${i}`);
      fifo.shift();
    }
    expect(fifo.length).toBe(4_000);
    expect(fifo.peek()).toBe('k6000');
    expect(fifo.oldestExpiresAtMs()).toBe(7_000);
    expect(fifo.isOldestExpired(6_999)).toBe(false);
    expect(fifo.isOldestExpired(7_000)).toBe(true);
    for (let i = 10_000; i < 15_000; i++) fifo.push(`k${i}`, 1_000 + i);
    expect(fifo.length).toBe(9_000);
    const rest = drain(fifo);
    expect(rest).toHaveLength(9_000);
    expect(rest.every(([key, at], j) => key === `k${6_000 + j}` && at === 7_000 + j)).toBe(true);
    expect(fifo.peek()).toBeUndefined();
    expect(fifo.oldestExpiresAtMs()).toBeNaN();
  });

  it('keeps order through many compactions when pushes and shifts interleave', () => {
    const fifo = new KeyFifo();
    let pushed = 0;
    let shifted = 0;
    // Three pushes per two shifts: the queue grows while the head passes 4096 again and again.
    for (let round = 0; round < 20_000; round++) {
      fifo.push(`k${pushed}`, pushed);
      pushed++;
      if (round % 3 !== 0) {
        expect([fifo.peek(), fifo.oldestExpiresAtMs()]).toEqual([`k${shifted}`, shifted]);
        fifo.shift();
        shifted++;
      }
    }
    expect(fifo.length).toBe(pushed - shifted);
    const rest = drain(fifo);
    expect(rest.map(([, at]) => at)).toEqual(Array.from({ length: pushed - shifted }, (_, j) => shifted + j));
    expect(rest.every(([key, at]) => key === `k${at}`)).toBe(true);
  });
});
