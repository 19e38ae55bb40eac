// The shapes around a Connection: why it closed, what a handler sees of it, what its owner
// implements, and its validated settings. Types and constants only.

import type { Logger } from '../common/index.js';
import type { Connection } from './connection.js';
import type { Framing } from './framing/length-headers.js';
import type { FrameHeader } from './framing/tpdu.js';

/** Why a connection ended, as logged in `conn.close` and passed to the owner. */
export const CLOSE_REASONS = [
  'peer-closed', 'peer-reset', 'idle-timeout', 'keepalive-only', 'frame-timeout', 'framing-error', 'socket-error', 'drained', 'drain-deadline', 'local',
  'format-errors',
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/**
 * The level of each reason's `conn.close` line: normal ends are debug, a misbehaving peer is warn
 * (style §8). A framing error was already warned as frame.error, and too many format errors as
 * conn.format_errors, so their close is info.
 */
export const CLOSE_LEVEL: Readonly<Record<CloseReason, 'debug' | 'info' | 'warn'>> = Object.freeze({
  'peer-closed': 'debug', 'peer-reset': 'debug', drained: 'debug', local: 'debug', 'idle-timeout': 'info', 'keepalive-only': 'info',
  'frame-timeout': 'warn', 'framing-error': 'info', 'socket-error': 'warn', 'drain-deadline': 'warn', 'format-errors': 'info',
});

/** What a frame handler learns about the connection a frame came from. */
export interface ConnectionContext {
  /** Unique within the server or client, e.g. `c42`; every log line of the connection carries it. */
  readonly connId: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The peer as `address:port`, made once per connection (log lines, audit records). */
  readonly remote: string;
  /** This side's address and port: the listener's for an accepted connection. */
  readonly localAddress: string;
  readonly localPort: number;
  /** The TPDU of the frame being handled, a view valid only during the handler call; null without one. */
  readonly tpdu: Buffer | null;
  /** The connection's child logger (`connId`, `remote` bound). */
  readonly log: Logger;
}

/** The server or client that a connection reports to. */
export interface ConnectionOwner {
  /** HOT: a frame whose message is buf[start, end), valid only during the call. */
  onFrame(conn: Connection, buf: Buffer, start: number, end: number): void;
  /** The socket is closed; called once. */
  onClose(conn: Connection, reason: CloseReason, error: Error | null): void;
}

/** Validated settings (the server's or client's options decide them). */
export interface ConnectionSettings {
  framing: Framing;
  header: FrameHeader;
  maxFrameBytes: number;
  /** ms without a byte from the peer before closing; 0 = never. */
  idleTimeoutMs: number;
  /** ms a started frame may take to complete; 0 = no limit. */
  frameTimeoutMs: number;
  /** ms a peer may send keep-alives (zero-length frames) and no message before closing; 0 = never. */
  maxKeepAliveOnlyMs: number;
  /** Frames handed out and not yet answered before reading pauses. */
  maxInFlight: number;
  /** Pause reading while the socket's write buffer is over its high-water mark (server side). */
  isPauseOnBackpressure: boolean;
}
