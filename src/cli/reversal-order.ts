// `isotrace issuer`'s link discipline for reversals: a reversal (MTI class 4: 0400, 0420, 0421) is
// handled only once the requests its connection sent before it are answered, as an issuer host
// reads a link in order. A switch queues the reversal advice of a timed-out request right behind
// it: an issuer that was stalled reads both in one chunk, and handled side by side the advice would
// find no approval to release (it is remembered only once its record is written). Every other
// message stays concurrent. Not on serve's path.

import type { Codec } from '../codec/index.js';
import type { ConnectionContext, FrameHandler } from '../transport/index.js';

/** True when the message in `frame` (no header) has a reversal MTI; false when too short to tell. */
export function isReversalFrame(codec: Codec, frame: Uint8Array): boolean {
  // The class is the MTI's second digit: the low nibble of the first BCD byte, or the second character.
  if (codec.mtiEncoding === 'bcd') return frame.length >= 2 && (frame[0] & 0x0f) === 4;
  return frame.length >= 4 && frame[1] === (codec.mtiEncoding === 'ebcdic' ? 0xf4 : 0x34);
}

/**
 * `handler`, with each reversal waiting until every frame received before it on its connection is
 * handled (answered, dropped or failed). A reversal that waits is copied first: the frame is a
 * view valid only until the handler returns.
 */
export function orderReversals(handler: FrameHandler, codec: Codec): FrameHandler {
  const inFlight = new WeakMap<ConnectionContext, Set<Promise<Uint8Array | null>>>();
  return (frame, conn) => {
    let pending = inFlight.get(conn);
    if (pending === undefined) {
      pending = new Set();
      inFlight.set(conn, pending);
    }
    let handled: Promise<Uint8Array | null>;
    if (pending.size > 0 && isReversalFrame(codec, frame)) {
      const copy = Buffer.from(frame);
      handled = Promise.allSettled([...pending]).then(() => handler(copy, conn));
    } else {
      handled = Promise.resolve(handler(frame, conn));
    }
    const set = pending;
    set.add(handled);
    const done = (): void => void set.delete(handled);
    handled.then(done, done);
    return handled;
  };
}
