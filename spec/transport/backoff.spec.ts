import { describe, expect, it } from 'vitest';
import { Backoff, Sweeper, sweepIntervalMs } from '../../src/transport/index.js';
import { ManualClock } from './helpers/manual-clock.js';

describe('Backoff', () => {
  it('doubles from initialMs up to maxMs when there is no jitter', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0 });
    expect(Array.from({ length: 6 }, () => b.next())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(b.attempts).toBe(6);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('shortens each delay by up to the jitter fraction when random is high', () => {
    const low = new Backoff({ initialMs: 1_000, maxMs: 1_000, jitter: 0.25 }, () => 0);
    const high = new Backoff({ initialMs: 1_000, maxMs: 1_000, jitter: 0.25 }, () => 0.999_999);
    expect(low.next()).toBe(1_000);
    expect(high.next()).toBe(750);
  });
});

describe('Sweeper', () => {
  it('runs one timer for all items, only while it has some', () => {
    const clock = new ManualClock();
    const sweeper = new Sweeper(clock, 100);
    const seen: number[] = [];
    const item = { sweep: (now: number) => seen.push(now) };
    expect(clock.timerCount).toBe(0);
    sweeper.add(item);
    sweeper.add({ sweep: () => {} });
    expect(clock.timerCount).toBe(1);
    clock.advance(250);
    expect(seen).toEqual([1_100, 1_200]);
    sweeper.delete(item);
    expect(clock.timerCount).toBe(1);
    expect(sweeper.size).toBe(1);
  });

  it('ticks at a quarter of the shortest enabled timeout, within 10..1000 ms', () => {
    expect(sweepIntervalMs(300_000, 10_000)).toBe(1_000);
    expect(sweepIntervalMs(0, 2_000)).toBe(500);
    expect(sweepIntervalMs(20)).toBe(10);
    expect(sweepIntervalMs(0, 0)).toBe(1_000);
  });
});
