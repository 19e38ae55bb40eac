// dial(): one outbound TCP connection attempt with a deadline on the injected clock. Reports
// exactly one outcome. No retries (the link client's backoff owns those), no framing.

import { createConnection, type Socket } from 'node:net';
import type { Clock } from '../shared/index.js';
import { ConnectionError } from './errors.js';

export interface DialTarget {
  host: string;
  port: number;
  connectTimeoutMs: number;
  clock: Clock;
}

/**
 * Connects with Nagle off. Calls `onConnected` with the socket, or `onFailed` with the system
 * error or a ConnectionError LINK_DOWN after `connectTimeoutMs`.
 * @returns the socket being connected; destroy it to abandon the attempt (onFailed then follows).
 */
export function dial(target: DialTarget, onConnected: (socket: Socket) => void, onFailed: (err: Error) => void): Socket {
  const socket = createConnection({ host: target.host, port: target.port, noDelay: true });
  const timer = target.clock.setTimeout(
    () => socket.destroy(new ConnectionError('LINK_DOWN', `connect timed out after ${target.connectTimeoutMs} ms`)),
    target.connectTimeoutMs,
  );
  let isSettled = false;
  const onError = (err: Error): void => {
    if (isSettled) return;
    isSettled = true;
    timer.clear();
    onFailed(err);
  };
  socket.on('error', onError);
  socket.once('close', () => {
    if (socket.connecting) onError(new ConnectionError('LINK_DOWN', 'connect abandoned'));
  });
  socket.once('connect', () => {
    isSettled = true;
    timer.clear();
    socket.off('error', onError);
    onConnected(socket);
  });
  return socket;
}
