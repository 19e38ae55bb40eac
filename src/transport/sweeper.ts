// Sweeper: one coarse timer for many timeouts (undici's fast timers). Items record times; each
// tick asks every item to check its own deadlines. No per-request or per-frame timers exist.

import type { Clock, ClockTimer } from '../common/index.js';

/** Something with deadlines to check. */
export interface Sweepable {
  /** Checks deadlines against `now` (the clock's monotonic ms) and acts on the expired ones. */
  sweep(now: number): void;
}

/**
 * The tick for a set of timeouts: a quarter of the shortest enabled one (0 = off), within
 * 10..1000 ms, so a timeout fires at most a quarter late and idle processes wake rarely.
 */
export function sweepIntervalMs(...timeoutsMs: number[]): number {
  let shortest = Infinity;
  for (const t of timeoutsMs) if (t > 0 && t < shortest) shortest = t;
  return Math.min(1000, Math.max(10, Math.floor(shortest / 4)));
}

export class Sweeper {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #items = new Set<Sweepable>();
  #timer: ClockTimer | null = null;

  /** The timer runs only while at least one item is registered. */
  constructor(clock: Clock, intervalMs: number) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  get size(): number {
    return this.#items.size;
  }

  add(item: Sweepable): void {
    this.#items.add(item);
    if (this.#timer === null) this.#timer = this.#clock.setInterval(this.#tick, this.#intervalMs);
  }

  delete(item: Sweepable): void {
    this.#items.delete(item);
    if (this.#items.size === 0) this.stop();
  }

  /** Stops the timer; items stay registered until deleted. */
  stop(): void {
    this.#timer?.clear();
    this.#timer = null;
  }

  // Items may delete themselves while swept; a Set iterator tolerates that.
  readonly #tick = (): void => {
    const now = this.#clock.now();
    for (const item of this.#items) item.sweep(now);
  };
}
