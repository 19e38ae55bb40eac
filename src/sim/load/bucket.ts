// TokenBucket: the load generator's rate limit, one bucket shared by every connection. Refilled
// lazily from the caller's clock reading; no timers of its own. Pure.

/** Tokens per second `ratePerSecond`, holding at most `burst` (default a 20th of a second's worth, at least 1). */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  #tokens: number;
  #lastMs: number;

  /** Starts with one token at `nowMs` so the first request goes at once and no burst precedes the pace. */
  constructor(ratePerSecond: number, nowMs: number, burst = Math.max(1, ratePerSecond / 20)) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.#tokens = Math.min(1, burst);
    this.#lastMs = nowMs;
  }

  /** HOT: takes one token if there is one at `nowMs`; false when the caller must wait. */
  take(nowMs: number): boolean {
    this.#refill(nowMs);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds from `nowMs` until a token is available (0 when one is). */
  msUntilNext(nowMs: number): number {
    this.#refill(nowMs);
    return this.#tokens >= 1 ? 0 : ((1 - this.#tokens) * 1000) / this.ratePerSecond;
  }

  #refill(nowMs: number): void {
    const elapsed = nowMs - this.#lastMs;
    if (elapsed <= 0) return;
    this.#lastMs = nowMs;
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.ratePerSecond) / 1000);
  }
}
