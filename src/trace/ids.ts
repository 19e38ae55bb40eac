// W3C trace context ids (32 and 16 lowercase hex) drawn from a pooled random buffer: one call into
// the secure random generator per 4 KiB instead of one per id (each call costs about 2 µs here).

import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;

export class IdSource {
  readonly #pool = Buffer.allocUnsafe(POOL_BYTES);
  #at = POOL_BYTES;

  #hex(bytes: number): string {
    if (this.#at + bytes > POOL_BYTES) {
      randomFillSync(this.#pool);
      this.#at = 0;
    }
    const from = this.#at;
    this.#at += bytes;
    const pool = this.#pool;
    for (let i = from; i < from + bytes; i++) if (pool[i] !== 0) return pool.toString('hex', from, from + bytes);
    // W3C forbids the all-zero id; it comes once in 2^64 draws, so simply draw again.
    return this.#hex(bytes);
  }

  /**
   * `count` random bytes (at most 64) as a view into the pool: read them at once, the pool is
   * refilled in place. For record ids (UUID v7) that need randomness without a call per id.
   */
  randomBytes(count: number): Uint8Array {
    if (this.#at + count > POOL_BYTES) {
      randomFillSync(this.#pool);
      this.#at = 0;
    }
    const view = this.#pool.subarray(this.#at, this.#at + count);
    this.#at += count;
    return view;
  }

  /** A new 32-hex-digit trace id. */
  traceId(): string {
    return this.#hex(16);
  }

  /** A new 16-hex-digit span id. */
  spanId(): string {
    return this.#hex(8);
  }
}
