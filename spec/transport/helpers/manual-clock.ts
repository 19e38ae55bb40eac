// ManualClock: a Clock whose time moves only when a test advances it; timers fire in due order.

import type { Clock, ClockTimer } from '../../../src/common/index.js';

interface Entry {
  at: number;
  fn: () => void;
  everyMs: number;
  isCleared: boolean;
}

export class ManualClock implements Clock {
  #now = 1_000;
  #entries: Entry[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    return this.#add(fn, ms, 0);
  }

  setInterval(fn: () => void, ms: number): ClockTimer {
    return this.#add(fn, ms, ms);
  }

  /** Timers not yet cleared or fired. */
  get timerCount(): number {
    return this.#entries.filter((e) => !e.isCleared).length;
  }

  /** Moves time forward by `ms`, firing each due timer at its own time, in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#entries.filter((e) => !e.isCleared && e.at <= target).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#now = due.at;
      if (due.everyMs > 0) due.at += due.everyMs;
      else due.isCleared = true;
      due.fn();
    }
    this.#now = target;
    this.#entries = this.#entries.filter((e) => !e.isCleared);
  }

  #add(fn: () => void, ms: number, everyMs: number): ClockTimer {
    const e: Entry = { at: this.#now + Math.max(1, ms), fn, everyMs, isCleared: false };
    this.#entries.push(e);
    return { clear: () => void (e.isCleared = true) };
  }
}
