// Backoff: exponential delays with jitter for reconnecting a link. Pure arithmetic; the caller
// owns the timer. Validates nothing: the client (src/link) checks its options.

export interface BackoffOptions {
  /** First delay, in ms. */
  initialMs: number;
  /** Largest delay, in ms. */
  maxMs: number;
  /** 0..1: each delay is reduced by up to this fraction at random, so links do not retry in step. */
  jitter: number;
}

export class Backoff {
  readonly #options: BackoffOptions;
  readonly #random: () => number;
  #attempt = 0;

  /** @param random a source in [0, 1); injected for tests. */
  constructor(options: BackoffOptions, random: () => number = Math.random) {
    this.#options = options;
    this.#random = random;
  }

  /** Delays handed out since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  /** The next delay in ms: initialMs * 2^attempt, capped at maxMs, less up to `jitter` of it. */
  next(): number {
    const { initialMs, maxMs, jitter } = this.#options;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return Math.round(base * (1 - jitter * this.#random()));
  }

  /** Back to the first delay (after a successful connect). */
  reset(): void {
    this.#attempt = 0;
  }
}
