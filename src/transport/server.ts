// FrameServer: listens, applies the connection caps, hands each frame with its connection context
// to one handler and writes what the handler returns (TPDU swapped); drains gracefully. Knows
// frames, not fields: it never decodes a message.

import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { Clock, ClockTimer, ErrorCode, Logger } from '../common/index.js';
import { ConnectionError } from './errors.js';
import { Connection, type CloseReason, type ConnectionContext, type ConnectionOwner } from './connection.js';
import { FormatErrorLimiter } from './format-error-limiter.js';
import { NO_TPDU } from './framing/encoder.js';
import { swappedTpdu, TPDU_BYTES } from './framing/tpdu.js';
import { resolveServerOptions, type ServerOptions, type ResolvedServerOptions } from './server-options.js';
import { Sweeper, sweepIntervalMs } from './sweeper.js';
import type { TlsMaterial } from './tls.js';
import { createTlsListener, reloadTlsListener, type TlsFailure, type TlsPeer } from './tls-listener.js';

/**
 * Answers one frame. `frame` is the message without length header and TPDU; it is valid only
 * during the call (it may be a view of the socket chunk): copy what you keep. Return the answer's
 * message bytes (the transport adds header and swapped TPDU), null for no answer, or a promise of
 * either; answers are written as they complete, in any order.
 */
export type FrameHandler = (frame: Buffer, ctx: ConnectionContext) => Uint8Array | null | Promise<Uint8Array | null>;

/** Where the server is bound. */
export interface BoundAddress {
  host: string;
  port: number;
}

/** Counters since construction. */
export interface ServerStats {
  accepted: number;
  refused: number;
  active: number;
  framesIn: number;
  framesOut: number;
  handlerErrors: number;
  /** TLS clients closed before a connection was made: a failed or timed-out handshake, or a client certificate refused. */
  tlsHandshakeFailures: number;
  /** Connections to a TLS server that ended before sending a byte (port checks): not counted as failures. */
  tlsClosedBeforeHello: number;
  /** Connections closed, by reason. */
  closed: Record<string, number>;
}

export interface DrainResult {
  /** Connections that ended after their in-flight work. */
  graceful: number;
  /** Connections still open at the deadline, closed then (any in-flight work is lost). */
  forced: number;
}

export interface ServerEvents {
  open: [ctx: ConnectionContext];
  close: [ctx: ConnectionContext, reason: CloseReason, error: Error | null];
  refused: [remoteAddress: string, reason: RefuseReason];
  tlsFailed: [remoteAddress: string, reason: TlsFailure];
}

/** Why a new connection was closed at once. */
export type RefuseReason = 'max-connections' | 'max-per-address' | 'format-errors';

export class FrameServer extends EventEmitter<ServerEvents> implements ConnectionOwner {
  readonly options: ResolvedServerOptions;
  readonly #handler: FrameHandler;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #net: Server;
  /** Closes TLS connections still in their handshake (a no-op for plain TCP). */
  readonly #closeHandshakes: () => void;
  readonly #sweeper: Sweeper;
  readonly #conns = new Set<Connection>();
  readonly #perAddress = new Map<string, number>();
  readonly #tpdu: boolean;
  readonly #formatErrors: FormatErrorLimiter;
  #nextId = 1;
  #address: BoundAddress | null = null;
  #isDraining = false;
  #drainWaiter: (() => void) | null = null;
  #accepted = 0;
  #refused = 0;
  #handlerErrors = 0;
  #framesIn = 0;
  #framesOut = 0;
  #tlsFailures = 0;
  #tlsSilent = 0;
  readonly #closed: Record<string, number> = {};

  /**
   * @param handler answers each frame (see FrameHandler).
   * @throws ConfigError naming the first invalid option.
   */
  constructor(handler: FrameHandler, options: ServerOptions = {}) {
    super();
    this.options = resolveServerOptions(options);
    this.#handler = handler;
    this.#log = this.options.logger;
    this.#clock = this.options.clock;
    this.#tpdu = this.options.header === 'tpdu';
    const o = this.options;
    this.#formatErrors = new FormatErrorLimiter({
      maxPerConnection: o.maxFormatErrorsPerConnection, maxPerAddress: o.maxFormatErrorsPerAddress, windowMs: o.formatErrorWindowMs, banMs: o.formatErrorBanMs,
    }, this.#clock);
    this.#sweeper = new Sweeper(this.#clock, sweepIntervalMs(o.idleTimeoutMs, o.frameTimeoutMs, o.maxKeepAliveOnlyMs));
    if (o.tls === null) {
      this.#net = createServer({ allowHalfOpen: true, noDelay: true }, this.#onConnection);
      this.#closeHandshakes = () => {};
    } else {
      const listener = createTlsListener(o.tls, o.tlsHandshakeTimeoutMs, this.#onConnection, this.#tlsFailed, this.#tlsSilentClose);
      this.#net = listener.server;
      this.#closeHandshakes = listener.closeHandshakes;
    }
  }

  /**
   * Replaces the certificate, key and CA of a TLS server: new connections use them, open ones keep
   * theirs. The policy (clientAuth) stays. Nothing changes when `material` is not usable.
   * @throws ConfigError naming server.tls.cert, .key or .ca (the reason, never the bytes), or
   *   server.tls when the server serves plain TCP.
   */
  reloadTls(material: TlsMaterial): void {
    reloadTlsListener(this.#net, this.options.tls, material);
  }

  /** The bound address once listening, else null. */
  get address(): BoundAddress | null {
    return this.#address;
  }

  get connectionCount(): number {
    return this.#conns.size;
  }

  get stats(): ServerStats {
    let framesIn = this.#framesIn, framesOut = this.#framesOut;
    for (const c of this.#conns) {
      framesIn += c.framesIn;
      framesOut += c.framesOut;
    }
    return {
      accepted: this.#accepted, refused: this.#refused, active: this.#conns.size, framesIn, framesOut,
      handlerErrors: this.#handlerErrors, tlsHandshakeFailures: this.#tlsFailures, tlsClosedBeforeHello: this.#tlsSilent, closed: { ...this.#closed },
    };
  }

  /**
   * Binds host:port (port 0 picks a free one) and resolves with the bound address.
   * @throws ConnectionError SERVER_LISTEN_FAILED (cause: the system error), e.g. on EADDRINUSE.
   */
  listen(): Promise<BoundAddress> {
    const { host, port, backlog } = this.options;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new ConnectionError('SERVER_LISTEN_FAILED', `cannot listen on ${host}:${port}: ${err.code ?? err.message}`, { cause: err }));
      };
      this.#net.once('error', onError);
      this.#net.listen({ host, port, backlog }, () => {
        this.#net.off('error', onError);
        this.#net.on('error', (err) => this.#log.error({ evt: 'server.error', err: { code: (err as NodeJS.ErrnoException).code, message: err.message } }, 'server socket error'));
        const a = this.#net.address();
        this.#address = typeof a === 'object' && a !== null ? { host: a.address, port: a.port } : { host, port };
        this.#log.info({ evt: 'server.listening', host: this.#address.host, port: this.#address.port, framing: this.options.framing, header: this.options.header, tls: this.options.tls?.clientAuth ?? false }, 'listening');
        resolve(this.#address);
      });
    });
  }

  /**
   * Graceful drain: stops accepting, stops taking new frames, lets in-flight answers go out, ends
   * each connection, and after `deadlineMs` closes whatever is left. Resolves once all are closed.
   */
  async drain(deadlineMs: number = this.options.drainTimeoutMs): Promise<DrainResult> {
    this.#isDraining = true;
    // Never bound (listen failed) or already drained: nothing to close, and no "draining" line
    // after a start-up that failed.
    if (!this.#net.listening && this.#conns.size === 0) return { graceful: 0, forced: 0 };
    const listening = new Promise<void>((resolve) => (this.#net.listening ? this.#net.close(() => resolve()) : resolve()));
    this.#closeHandshakes();
    this.#log.info({ evt: 'server.drain', connections: this.#conns.size, deadlineMs }, 'draining');
    const before = this.#conns.size;
    for (const c of this.#conns) c.drain();
    let forced = 0;
    if (this.#conns.size > 0) {
      let timer: ClockTimer | null = null;
      // A zero deadline closes at once, without a timer (a manual clock would never fire one).
      const isAllClosed = deadlineMs <= 0 ? false : await new Promise<boolean>((resolve) => {
        this.#drainWaiter = () => resolve(true);
        timer = this.#clock.setTimeout(() => resolve(false), deadlineMs);
      });
      (timer as ClockTimer | null)?.clear();
      if (!isAllClosed) {
        forced = this.#conns.size;
        const allClosed = new Promise<void>((resolve) => (this.#drainWaiter = resolve));
        for (const c of this.#conns) {
          c.close('drain-deadline', new ConnectionError('CONN_DRAIN_TIMEOUT', `${c.inFlight} answer(s) still in flight after ${deadlineMs} ms`));
        }
        if (this.#conns.size > 0) await allClosed;
      }
    }
    this.#drainWaiter = null;
    this.#sweeper.stop();
    await listening;
    this.#address = null;
    const result = { graceful: before - forced, forced };
    this.#log.info({ evt: 'server.closed', ...result }, 'drained and closed');
    return result;
  }

  /** Closes at once: drain with a zero deadline. */
  close(): Promise<DrainResult> {
    return this.drain(0);
  }

  readonly #onConnection = (socket: Socket): void => {
    const addr = socket.remoteAddress;
    if (this.#isDraining || addr === undefined) {
      socket.destroy();
      return;
    }
    const perAddress = this.#perAddress.get(addr) ?? 0;
    if (this.#conns.size >= this.options.maxConnections) return this.#refuse(socket, addr, 'max-connections');
    if (perAddress >= this.options.maxConnectionsPerAddress) return this.#refuse(socket, addr, 'max-per-address');
    if (this.#formatErrors.isBanned(addr)) return this.#refuse(socket, addr, 'format-errors');
    this.#perAddress.set(addr, perAddress + 1);
    this.#accepted++;
    const conn = new Connection(socket, `c${this.#nextId++}`, this, this.options.connection, this.#clock, this.#log);
    this.#conns.add(conn);
    this.#sweeper.add(conn);
    conn.log.debug({ evt: 'conn.open', active: this.#conns.size }, 'connection open');
    this.emit('open', conn);
  };

  /** A TLS client refused (its socket already destroyed): counted and logged with the reason and the peer. */
  readonly #tlsFailed = (peer: TlsPeer, reason: TlsFailure, code: ErrorCode, why: string): void => {
    this.#tlsFailures++;
    const addr = peer.address;
    this.#log.warn({ evt: 'conn.tls_failed', remote: `${addr}:${peer.port}`, reason, err: { code, message: why } }, `TLS client refused: ${reason}: ${why}`);
    this.emit('tlsFailed', addr, reason);
  };

  /**
   * A TLS port's connection that ended before its first byte: a load balancer's health check does
   * this every few seconds, so it is counted apart from the failures and logged at debug only.
   */
  readonly #tlsSilentClose = (peer: TlsPeer): void => {
    this.#tlsSilent++;
    this.#log.debug({ evt: 'conn.tls_no_hello', remote: `${peer.address}:${peer.port}` }, 'connection ended before sending a TLS ClientHello (a port check?)');
  };

  #refuse(socket: Socket, addr: string, reason: RefuseReason): void {
    socket.destroy();
    this.#refused++;
    const o = this.options;
    const limit = reason === 'max-connections' ? o.maxConnections : reason === 'max-per-address' ? o.maxConnectionsPerAddress : o.maxFormatErrorsPerAddress;
    this.#log.warn({ evt: 'conn.refused', remote: addr, reason, limit, err: { code: 'CONN_REFUSED' } }, `connection refused: ${reason}`);
    this.emit('refused', addr, reason);
  }

  /**
   * Counts a frame of `ctx`'s peer that could not be read (the application answered it as a format
   * error, or dropped it unreadable). Past maxFormatErrorsPerConnection in formatErrorWindowMs the
   * connection stops taking frames and closes once its answers are out; past
   * maxFormatErrorsPerAddress its address is also refused for formatErrorBanMs. Logs a warn line
   * (`conn.format_errors`) with the counts, never the bytes.
   */
  reportFormatError(ctx: ConnectionContext): void {
    const conn = ctx as Connection;
    // Answers still in flight on a connection already closing count no more (one warn line each close).
    if (!this.#conns.has(conn) || conn.isDraining) return;
    const verdict = this.#formatErrors.record(conn, conn.remoteAddress);
    if (verdict === null) return;
    const o = this.options;
    const banned = verdict.limit === 'address' ? `; ${conn.remoteAddress} refused for ${o.formatErrorBanMs} ms` : '';
    const error = new ConnectionError('CONN_FORMAT_ERRORS', `${verdict.count} unreadable frames within ${o.formatErrorWindowMs} ms from this ${verdict.limit} (limit ${verdict.max})${banned}`);
    conn.log.warn({ evt: 'conn.format_errors', limit: verdict.limit, count: verdict.count, max: verdict.max, windowMs: o.formatErrorWindowMs, banMs: verdict.limit === 'address' ? o.formatErrorBanMs : 0, err: { code: error.code } }, `closing: too many format errors from this ${verdict.limit}`);
    conn.drain('format-errors', error);
  }

  /**
   * Stops taking frames from `ctx`'s connection and ends it once the answers in flight on it are
   * written, as a drain of that one connection would; its close is logged and counted as `reason`.
   * Does nothing for a connection already closed.
   */
  endConnection(ctx: ConnectionContext, reason: CloseReason = 'local'): void {
    const conn = ctx as Connection;
    if (this.#conns.has(conn)) conn.drain(reason);
  }

  /** HOT (ConnectionOwner): one frame to the handler; a synchronous answer is written at once. */
  onFrame(conn: Connection, buf: Buffer, start: number, end: number): void {
    let answer: Uint8Array | null | Promise<Uint8Array | null>;
    try {
      answer = this.#handler(buf.subarray(start, end), conn);
    } catch (err) {
      this.#handlerFailed(conn, err);
      return;
    }
    if (answer === null || answer === undefined) return;
    const tpdu = this.#tpdu ? swappedTpdu(buf, start - TPDU_BYTES) : NO_TPDU;
    if (answer instanceof Uint8Array) this.#reply(conn, answer, tpdu);
    else {
      conn.beginWork();
      void this.#settle(conn, answer, tpdu);
    }
  }

  async #settle(conn: Connection, pending: Promise<Uint8Array | null>, tpdu: number): Promise<void> {
    try {
      const answer = await pending;
      if (answer !== null && answer !== undefined) this.#reply(conn, answer, tpdu);
    } catch (err) {
      this.#handlerFailed(conn, err);
    }
    conn.endWork();
  }

  #reply(conn: Connection, answer: Uint8Array, tpdu: number): void {
    try {
      if (!conn.sendMessage(answer, tpdu)) conn.log.warn({ evt: 'reply.dropped', bytes: answer.length }, 'answer dropped: connection already closed');
    } catch (err) {
      this.#handlerFailed(conn, err);
    }
  }

  #handlerFailed(conn: Connection, err: unknown): void {
    this.#handlerErrors++;
    const e = err as { code?: string; message?: string };
    conn.log.error({ evt: 'handler.error', err: { code: e?.code, message: e?.message } }, 'frame handler failed; no answer sent');
  }

  /** ConnectionOwner: bookkeeping once a socket is closed. */
  onClose(conn: Connection, reason: CloseReason, error: Error | null): void {
    if (!this.#conns.delete(conn)) return;
    this.#sweeper.delete(conn);
    this.#framesIn += conn.framesIn;
    this.#framesOut += conn.framesOut;
    this.#closed[reason] = (this.#closed[reason] ?? 0) + 1;
    const n = (this.#perAddress.get(conn.remoteAddress) ?? 1) - 1;
    if (n === 0) this.#perAddress.delete(conn.remoteAddress);
    else this.#perAddress.set(conn.remoteAddress, n);
    this.emit('close', conn, reason, error);
    if (this.#conns.size === 0) this.#drainWaiter?.();
  }
}
