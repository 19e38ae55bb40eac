// Clock: monotonic time and timers behind an interface, so timeouts can be tested with a manual
// clock instead of waiting. SYSTEM_CLOCK is the real one. Imports nothing.

/** A scheduled callback that can be cancelled. */
export interface ClockTimer {
  clear(): void;
}

export interface Clock {
  /** Monotonic milliseconds (fractional); only differences are meaningful. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. The real clock's timer keeps the process alive. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  /**
   * Runs `fn` every `ms` milliseconds. The real clock's interval does not keep the process alive:
   * intervals are for sweeping timeouts, which matter only while something else is open.
   */
  setInterval(fn: () => void, ms: number): ClockTimer;
}

/** The process clock: `performance.now()`, `setTimeout`, and unref'd `setInterval`. */
export const SYSTEM_CLOCK: Clock = Object.freeze({
  now: (): number => performance.now(),
  setTimeout(fn: () => void, ms: number): ClockTimer {
    const t = setTimeout(fn, ms);
    return { clear: () => clearTimeout(t) };
  },
  setInterval(fn: () => void, ms: number): ClockTimer {
    const t = setInterval(fn, ms);
    t.unref();
    return { clear: () => clearInterval(t) };
  },
});
