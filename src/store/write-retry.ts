// WriteRetry: writes whose callers must not wait for the store to come back (a duplicate's answer
// kept, an approval remembered: the terminal's answer is final by then) are tried again in the
// background, with a growing delay, until they succeed or their deadline passes. No SQL here.

import type { Logger } from '../common/index.js';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

export class WriteRetry {
  readonly #logger: Logger;
  readonly #timers = new Set<NodeJS.Timeout>();
  #isClosed = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /**
   * `write` failed with `err` (logged once here as `evt`): tries it again until it succeeds or
   * `untilMs` (epoch ms) passes, then logs that it was given up.
   */
  later(evt: string, what: string, err: unknown, untilMs: number, write: () => Promise<void>): void {
    const code = (err as { code?: string } | null)?.code ?? 'STORE_UNAVAILABLE';
    this.#logger.error({ evt, err: { code } }, `${what} failed: tried again in the background`);
    this.#schedule(evt, what, untilMs, write, FIRST_DELAY_MS);
  }

  /** Stops retrying; returns how many writes were still owed. */
  close(): number {
    this.#isClosed = true;
    const owed = this.#timers.size;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    return owed;
  }

  #schedule(evt: string, what: string, untilMs: number, write: () => Promise<void>, delayMs: number): void {
    if (this.#isClosed) return;
    if (Date.now() + delayMs > untilMs) {
      this.#logger.error({ evt: `${evt}_given_up` }, `${what} given up: the store did not come back in time`);
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      write().then(
        () => this.#logger.info({ evt: `${evt}_recovered` }, `${what} done after the store came back`),
        () => this.#schedule(evt, what, untilMs, write, Math.min(delayMs * 2, MAX_DELAY_MS)),
      );
    }, delayMs);
    timer.unref();
    this.#timers.add(timer);
  }
}
