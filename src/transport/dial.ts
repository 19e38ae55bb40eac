// dial(): one outbound TCP (or TLS) connection attempt with a deadline on the injected clock.
// Reports exactly one outcome. No retries (the link client's backoff owns those), no framing.

import type { Socket } from 'node:net';
import type { Clock } from '../common/index.js';
import { ConnectionError } from './errors.js';
import { connectSocket, type ClientTls } from './tls.js';

export interface DialTarget {
  host: string;
  port: number;
  connectTimeoutMs: number;
  clock: Clock;
  /** Speak TLS: the handshake (and the server's certificate check) is part of connecting. */
  tls?: ClientTls | null;
}

/**
 * Connects with Nagle off (over TLS when `target.tls` is set). Calls `onConnected` with the socket,
 * or `onFailed` with the system or TLS error (a certificate not trusted: its OpenSSL code) or a
 * ConnectionError LINK_DOWN after `connectTimeoutMs` (connect and handshake together).
 * @returns the socket being connected; destroy it to abandon the attempt (onFailed then follows).
 */
export function dial(target: DialTarget, onConnected: (socket: Socket) => void, onFailed: (err: Error) => void): Socket {
  const socket = connectSocket(target, () => {
    isSettled = true;
    timer.clear();
    socket.off('error', onError);
    onConnected(socket);
  });
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
  socket.once('close', () => onError(new ConnectionError('LINK_DOWN', 'connect abandoned')));
  return socket;
}
