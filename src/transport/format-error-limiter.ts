// FormatErrorLimiter: counts the frames a peer sent that could not be read (answered RC 30, or
// dropped unreadable) per connection and per remote address in a fixed window, and says when a
// limit is passed; remembers addresses refused for a while. No I/O, no timers: an injected clock.

import type { Clock } from '../common/index.js';

export interface FormatErrorLimits {
  /** Format errors one connection may cause within windowMs; one more closes it. 0: no limit. */
  maxPerConnection: number;
  /** Format errors all connections from one address may cause within windowMs; one more closes the connection and refuses the address for banMs. 0: no limit. */
  maxPerAddress: number;
  windowMs: number;
  banMs: number;
}

/** Which limit a format error passed, with the count in the window. */
export type FormatErrorVerdict = { limit: 'connection' | 'address'; count: number; max: number } | null;

class Window {
  count = 0;
  startedAt = 0;
}

/** Per-address entries kept before expired ones are swept out. */
const SWEEP_AT = 4096;

export class FormatErrorLimiter {
  readonly #o: Readonly<FormatErrorLimits>;
  readonly #clock: Clock;
  readonly #perConnection = new WeakMap<object, Window>();
  readonly #perAddress = new Map<string, Window>();
  readonly #bannedUntil = new Map<string, number>();

  constructor(limits: Readonly<FormatErrorLimits>, clock: Clock) {
    this.#o = limits;
    this.#clock = clock;
  }

  /** Counts one format error of `conn` from `address`; the limit it passed, or null. Not on the path of readable frames. */
  record(conn: object, address: string): FormatErrorVerdict {
    const now = this.#clock.now();
    const { maxPerConnection, maxPerAddress } = this.#o;
    if (maxPerAddress > 0) {
      if (this.#perAddress.size >= SWEEP_AT) this.#sweep(now);
      const w = this.#count(this.#perAddress.get(address), now, (fresh) => this.#perAddress.set(address, fresh));
      if (w.count > maxPerAddress) {
        this.#bannedUntil.set(address, now + this.#o.banMs);
        return { limit: 'address', count: w.count, max: maxPerAddress };
      }
    }
    if (maxPerConnection > 0) {
      const w = this.#count(this.#perConnection.get(conn), now, (fresh) => this.#perConnection.set(conn, fresh));
      if (w.count > maxPerConnection) return { limit: 'connection', count: w.count, max: maxPerConnection };
    }
    return null;
  }

  /** True while `address` is refused for passing maxPerAddress. */
  isBanned(address: string): boolean {
    const until = this.#bannedUntil.get(address);
    if (until === undefined) return false;
    if (this.#clock.now() < until) return true;
    this.#bannedUntil.delete(address);
    return false;
  }

  #count(w: Window | undefined, now: number, store: (w: Window) => void): Window {
    let window = w;
    if (window === undefined) {
      window = new Window();
      store(window);
    }
    if (now - window.startedAt >= this.#o.windowMs) {
      window.startedAt = now;
      window.count = 0;
    }
    window.count++;
    return window;
  }

  #sweep(now: number): void {
    for (const [address, w] of this.#perAddress) if (now - w.startedAt >= this.#o.windowMs) this.#perAddress.delete(address);
    for (const [address, until] of this.#bannedUntil) if (now >= until) this.#bannedUntil.delete(address);
  }
}
