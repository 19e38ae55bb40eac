// Write coalescing: a socket's writes during one event-loop turn are held (cork) and sent together
// once the turn's I/O callbacks have run (setImmediate). On loopback and on busy links, waking the
// peer costs more than the write itself: one wake-up per burst instead of one per frame. end()
// sends what is held first; destroy() discards it, as it discards any unsent bytes.

import type { Socket } from 'node:net';

const corked: Socket[] = [];
let isScheduled = false;

function uncorkAll(): void {
  isScheduled = false;
  for (let i = 0; i < corked.length; i++) corked[i].uncork();
  corked.length = 0;
}

/** HOT: writes `frame` on `socket`, held until the end of this turn; returns socket.write's answer. */
export function writeThisTurn(socket: Socket, frame: Uint8Array): boolean {
  if (socket.writableCorked === 0) {
    socket.cork();
    corked.push(socket);
    if (!isScheduled) {
      isScheduled = true;
      setImmediate(uncorkAll);
    }
  }
  return socket.write(frame);
}
