// Fault injection for `isotrace issuer`: a wrapper of the host's frame handler that delays answers,
// drops a share of them and closes a connection after so many, so that a switch's link handling
// (timeouts, reversals, reconnects) can be tested against a real far end. Never on serve's path.

import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionContext, FrameHandler } from '../transport/index.js';

export interface FaultOptions {
  /** Wait before each answer, ms. */
  readonly delayMs: number;
  /** A random 0..jitterMs added to each wait, ms. */
  readonly jitterMs: number;
  /** The share of requests (0..1) handled as usual but never answered. */
  readonly dropRate: number;
  /** Answers after which a connection is closed; 0: never. */
  readonly closeAfter: number;
}

/** True when `o` asks for any fault. */
export function hasFaults(o: FaultOptions): boolean {
  return o.delayMs > 0 || o.jitterMs > 0 || o.dropRate > 0 || o.closeAfter > 0;
}

/**
 * `handler` with the faults of `o`: each request is handled as usual (an approval places its hold
 * and is audited), then its answer is dropped (dropRate), or waits delayMs + 0..jitterMs, and a
 * connection that has had closeAfter answers is ended once they are written (`endConnection`);
 * answers still in flight on it then are not sent. `random` draws in [0, 1).
 */
export function injectFaults(handler: FrameHandler, o: FaultOptions, endConnection: (ctx: ConnectionContext) => void, random: () => number = Math.random): FrameHandler {
  const answered = new WeakMap<ConnectionContext, number>();
  return async (frame, conn) => {
    const answer = await handler(frame, conn); // the frame is read before the handler's first await
    if (answer === null) return null;
    if (o.dropRate > 0 && random() < o.dropRate) {
      conn.log.info({ evt: 'issuer.fault_drop', dropRate: o.dropRate }, 'answer dropped (fault injection)');
      return null;
    }
    const waitMs = o.delayMs + (o.jitterMs > 0 ? Math.floor(random() * (o.jitterMs + 1)) : 0);
    if (waitMs > 0) await sleep(waitMs);
    if (o.closeAfter === 0) return answer;
    const count = (answered.get(conn) ?? 0) + 1;
    if (count > o.closeAfter) return null; // handled while the connection was closing
    answered.set(conn, count);
    if (count === o.closeAfter) {
      conn.log.info({ evt: 'issuer.fault_close', closeAfter: o.closeAfter }, 'closing the connection after its answer (fault injection)');
      endConnection(conn);
    }
    return answer;
  };
}
