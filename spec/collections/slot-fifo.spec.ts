// SlotFifo: slots in push order with their expiry times; growing the ring (from 1024, when the head
// has wrapped round or not) must keep the order and the times of what is left.

import { describe, expect, it } from 'vitest';
import { SlotFifo } from '../../src/collections/slot-fifo.js';

/** Shifts every slot out, oldest first, with its expiry time. */
function drain(fifo: SlotFifo): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  while (fifo.length > 0) {
    out.push([fifo.peek(), fifo.oldestExpiresAtMs()]);
    fifo.shift();
  }
  return out;
}

describe('SlotFifo', () => {
  it('is empty when new: slot -1, NaN expiry, nothing expired', () => {
    const fifo = new SlotFifo();
    expect(fifo.length).toBe(0);
    expect(fifo.peek()).toBe(-1);
    expect(fifo.oldestExpiresAtMs()).toBeNaN();
    expect(fifo.isOldestExpired(Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('gives slots back oldest first, each with its own expiry time', () => {
    const fifo = new SlotFifo();
    fifo.push(7, 10);
    fifo.push(3, 20);
    fifo.push(7, 30);
    expect(fifo.length).toBe(3);
    expect(drain(fifo)).toEqual([[7, 10], [3, 20], [7, 30]]);
  });

  it('tells the oldest slot expired at and after its time, not before', () => {
    const fifo = new SlotFifo();
    fifo.push(0, 100);
    fifo.push(1, 200);
    expect(fifo.isOldestExpired(99)).toBe(false);
    expect(fifo.isOldestExpired(100)).toBe(true);
    expect(fifo.isOldestExpired(150)).toBe(true);
    fifo.shift();
    expect(fifo.isOldestExpired(150)).toBe(false);
    expect(fifo.isOldestExpired(200)).toBe(true);
  });

  it('does nothing when shifted empty, and takes pushes afterwards', () => {
    const fifo = new SlotFifo();
    fifo.shift();
    fifo.push(5, 1);
    fifo.shift();
    fifo.shift();
    expect(fifo.length).toBe(0);
    fifo.push(6, 2);
    expect(fifo.length).toBe(1);
    expect(fifo.peek()).toBe(6);
    expect(fifo.oldestExpiresAtMs()).toBe(2);
  });

  it('keeps order and expiry times across growth when 6000 of 10000 slots are shifted', () => {
    const fifo = new SlotFifo();
    for (let i = 0; i < 10_000; i++) fifo.push(i, 1_000 + i);
    for (let i = 0; i < 6_000; i++) {
      expect(fifo.peek()).toBe(i);
      fifo.shift();
    }
    expect(fifo.length).toBe(4_000);
    expect(fifo.peek()).toBe(6000);
    expect(fifo.oldestExpiresAtMs()).toBe(7_000);
    expect(fifo.isOldestExpired(6_999)).toBe(false);
    expect(fifo.isOldestExpired(7_000)).toBe(true);
    for (let i = 10_000; i < 15_000; i++) fifo.push(i, 1_000 + i);
    expect(fifo.length).toBe(9_000);
    const rest = drain(fifo);
    expect(rest).toHaveLength(9_000);
    expect(rest.every(([slot, at], j) => slot === 6_000 + j && at === 7_000 + j)).toBe(true);
    expect(fifo.peek()).toBe(-1);
    expect(fifo.oldestExpiresAtMs()).toBeNaN();
  });

  it('keeps order through growth while the ring has wrapped, pushes and shifts interleaved', () => {
    const fifo = new SlotFifo();
    let pushed = 0;
    let shifted = 0;
    // Three pushes per two shifts: the queue grows while its head has wrapped round the ring.
    for (let round = 0; round < 20_000; round++) {
      fifo.push(pushed, pushed);
      pushed++;
      if (round % 3 !== 0) {
        expect([fifo.peek(), fifo.oldestExpiresAtMs()]).toEqual([shifted, shifted]);
        fifo.shift();
        shifted++;
      }
    }
    expect(fifo.length).toBe(pushed - shifted);
    const rest = drain(fifo);
    expect(rest.map(([, at]) => at)).toEqual(Array.from({ length: pushed - shifted }, (_, j) => shifted + j));
    expect(rest.every(([slot, at]) => slot === at)).toBe(true);
  });
});
