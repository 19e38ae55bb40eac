// Connection: one socket with its FrameDecoder and FrameEncoder, idle and frame timeouts (swept,
// not timers), write back-pressure and the close rules. Knows frames, not fields; never decides
// what to answer: its owner (the server or the client) does.

import type { Socket } from 'node:net';
import type { Clock, Logger, SwitchError } from '../common/index.js';
import { TimeoutError, type FramingError } from './errors.js';
import { FrameDecoder, type FrameSink } from './framing/decoder.js';
import { FrameEncoder } from './framing/encoder.js';
import { TPDU_BYTES } from './framing/tpdu.js';
import type { Sweepable } from './sweeper.js';
import { writeThisTurn } from './write-coalescer.js';
import { CLOSE_LEVEL, type CloseReason, type ConnectionContext, type ConnectionOwner, type ConnectionSettings } from './connection-types.js';

export { CLOSE_REASONS } from './connection-types.js';
export type { CloseReason, ConnectionContext, ConnectionOwner, ConnectionSettings } from './connection-types.js';

export class Connection implements ConnectionContext, FrameSink, Sweepable {
  readonly connId: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remote: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly log: Logger;
  readonly encoder: FrameEncoder;
  /** Frames received (not keep-alives) and frames written. */
  framesIn = 0;
  framesOut = 0;
  /** Keep-alives (zero-length frames) received. */
  keepAlivesIn = 0;
  /** Bytes received from the peer. */
  bytesIn = 0;
  readonly #socket: Socket;
  readonly #owner: ConnectionOwner;
  readonly #settings: ConnectionSettings;
  readonly #clock: Clock;
  readonly #decoder: FrameDecoder;
  readonly #tpduSize: number;
  #tpduBuf: Buffer | null = null;
  #tpduAt = 0;
  // Times are stamped by the sweep, not per chunk: a timeout fires up to one sweep interval late,
  // never early, and the hot path reads no clock.
  #lastByteAt: number;
  #bytesAtSweep = 0;
  /** When the sweep last saw a new frame (or the connection opened), and the keep-alive count then. */
  #lastFrameAt: number;
  #framesAtSweep = 0;
  #keepAlivesAtFrame = 0;
  #frameStartedAt = -1;
  #frameMark = -1;
  #isWritable = true;
  #inFlight = 0;
  #isReadPaused = false;
  #isWriteBlocked = false;
  #isDraining = false;
  #isPeerEnded = false;
  #closeReason: CloseReason | null = null;
  #closeError: Error | null = null;
  #socketError: NodeJS.ErrnoException | null = null;

  /** Takes over a connected socket. Listeners are created here, once per connection. */
  constructor(socket: Socket, connId: string, owner: ConnectionOwner, settings: ConnectionSettings, clock: Clock, log: Logger) {
    this.connId = connId;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = socket.localAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    this.remote = `${this.remoteAddress}:${this.remotePort}`;
    this.log = log.child({ connId, remote: this.remote });
    this.encoder = new FrameEncoder(settings);
    this.#socket = socket;
    this.#owner = owner;
    this.#settings = settings;
    this.#clock = clock;
    this.#decoder = new FrameDecoder(settings);
    this.#tpduSize = settings.header === 'tpdu' ? TPDU_BYTES : 0;
    this.#lastByteAt = clock.now();
    this.#lastFrameAt = this.#lastByteAt;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('drain', this.#onDrain);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  get tpdu(): Buffer | null {
    return this.#tpduBuf === null ? null : this.#tpduBuf.subarray(this.#tpduAt - this.#tpduSize, this.#tpduAt);
  }

  /** Monotonic ms of the last byte from the peer, as of the last sweep. */
  get lastByteAt(): number {
    return this.#lastByteAt;
  }

  /** Frames handed to the owner and not yet answered (see beginWork/endWork). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** True while reading is paused by back-pressure or the in-flight cap. */
  get isReadPaused(): boolean {
    return this.#isReadPaused;
  }

  /** True once drain() was called: no more frames are taken. */
  get isDraining(): boolean {
    return this.#isDraining;
  }

  get isClosed(): boolean {
    return this.#socket.destroyed;
  }

  /** The socket's bytes waiting to be written (back-pressure observability). */
  get writableLength(): number {
    return this.#socket.writableLength;
  }

  // HOT: one chunk from the socket.
  readonly #onData = (chunk: Buffer): void => {
    this.bytesIn += chunk.length;
    if (this.#isDraining) return; // draining: in-flight work finishes, new frames are not taken
    let isComplete: boolean;
    try {
      isComplete = this.#decoder.push(chunk, this);
    } catch (err) {
      this.#framingFailed(err as Error);
      return;
    }
    if (!isComplete) this.#pauseReading();
  };

  /** HOT (FrameSink): hands a frame to the owner; false stops decoding until reading resumes. */
  onFrame(buf: Buffer, start: number, end: number): boolean {
    this.framesIn++;
    if (this.#tpduSize !== 0) {
      this.#tpduBuf = buf;
      this.#tpduAt = start;
    }
    this.#owner.onFrame(this, buf, start, end);
    this.#tpduBuf = null;
    return !this.#mustPause();
  }

  /** FrameSink: a keep-alive is echoed, never passed on. */
  onKeepAlive(): void {
    this.keepAlivesIn++;
    this.log.trace({ evt: 'frame.keepalive' }, 'keep-alive echoed');
    if (this.#isWritable) this.#write(this.encoder.keepAlive());
  }

  /**
   * HOT: frames `message` (copied) with `tpdu` (a 40-bit integer or NO_TPDU) and writes it.
   * Returns false when the connection is already closed and the message was dropped.
   * @throws FramingError when the message is longer than the framing can express.
   */
  sendMessage(message: Uint8Array, tpdu: number): boolean {
    if (!this.#isWritable) return false;
    return this.#write(this.encoder.encode(message, tpdu));
  }

  /** HOT: writes a frame already framed (see FrameEncoder.frameInPlace). Never touch `frame` afterwards. */
  sendFrame(frame: Buffer): boolean {
    if (!this.#isWritable) return false;
    return this.#write(frame);
  }

  #write(frame: Buffer): boolean {
    this.framesOut++;
    if (!writeThisTurn(this.#socket, frame)) {
      this.#isWriteBlocked = true; // until 'drain': the write buffer is over its high-water mark
      if (this.#settings.isPauseOnBackpressure) this.#pauseReading();
    }
    return true;
  }

  /** Counts a frame whose answer will come later (an async handler). */
  beginWork(): void {
    this.#inFlight++;
  }

  /** The later answer was written (or dropped): may resume reading or finish a drain. */
  endWork(): void {
    this.#inFlight--;
    if (this.#inFlight === 0 && (this.#isDraining || this.#isPeerEnded)) this.#end();
    else if (this.#isReadPaused) this.#maybeResume();
  }

  /**
   * Stops taking frames; ends the connection once in-flight work is answered. `reason` and `error`
   * are what the close is logged and counted as (default: drained).
   */
  drain(reason: CloseReason = 'drained', error: Error | null = null): void {
    if (this.#isDraining) return;
    this.#isDraining = true;
    if (this.#closeReason === null) {
      this.#closeReason = reason;
      this.#closeError = error;
    }
    if (this.#isReadPaused) {
      this.#isReadPaused = false;
      this.#socket.resume(); // keep reading (and discarding) so the peer's close is seen
    }
    if (this.#inFlight === 0) this.#end();
  }

  /** Closes now, discarding unsent bytes; `reason` and `error` are logged and passed to the owner. */
  close(reason: CloseReason, error: Error | null = null): void {
    if (this.#socket.destroyed) return;
    if (this.#closeReason === null || this.#closeReason === 'drained') {
      this.#closeReason = reason;
      this.#closeError = error;
    }
    this.#isWritable = false;
    this.#socket.destroy();
  }

  #end(): void {
    this.#isWritable = false;
    this.#socket.end();
  }

  /** Sweepable: the idle, frame and keep-alive-only timeouts. */
  sweep(now: number): void {
    const s = this.#settings;
    const d = this.#decoder;
    if (this.bytesIn !== this.#bytesAtSweep) {
      this.#bytesAtSweep = this.bytesIn;
      this.#lastByteAt = now;
    }
    if (this.framesIn !== this.#framesAtSweep) {
      this.#framesAtSweep = this.framesIn;
      this.#lastFrameAt = now;
      this.#keepAlivesAtFrame = this.keepAlivesIn;
    }
    if (!d.isMidFrame) this.#frameStartedAt = -1;
    else if (this.#frameStartedAt < 0 || d.consumedBytes !== this.#frameMark) {
      this.#frameStartedAt = now; // a new frame has started since the last sweep
      this.#frameMark = d.consumedBytes;
    }
    if (s.frameTimeoutMs > 0 && this.#frameStartedAt >= 0 && now - this.#frameStartedAt >= s.frameTimeoutMs) {
      this.close('frame-timeout', new TimeoutError('CONN_FRAME_TIMEOUT', `a frame started ${Math.round(now - this.#frameStartedAt)} ms ago is not complete`, s.frameTimeoutMs));
    } else if (s.idleTimeoutMs > 0 && this.#inFlight === 0 && now - this.#lastByteAt >= s.idleTimeoutMs) {
      this.close('idle-timeout', new TimeoutError('CONN_IDLE_TIMEOUT', `no bytes for ${Math.round(now - this.#lastByteAt)} ms`, s.idleTimeoutMs));
    } else if (s.maxKeepAliveOnlyMs > 0 && this.#inFlight === 0 && this.keepAlivesIn !== this.#keepAlivesAtFrame && now - this.#lastFrameAt >= s.maxKeepAliveOnlyMs) {
      // Keep-alives reset the idle timeout; a peer that sends nothing else would hold its slot for ever.
      const why = `only keep-alives (${this.keepAlivesIn - this.#keepAlivesAtFrame}) and no message for ${Math.round(now - this.#lastFrameAt)} ms`;
      this.close('keepalive-only', new TimeoutError('CONN_KEEPALIVE_ONLY', why, s.maxKeepAliveOnlyMs));
    }
  }

  #framingFailed(err: Error): void {
    const e = err as FramingError;
    this.log.warn({ evt: 'frame.error', err: { code: e.code, offset: e.offset, length: e.length, framing: e.framing } }, e.message);
    this.close('framing-error', err);
  }

  #mustPause(): boolean {
    return (this.#isWriteBlocked && this.#settings.isPauseOnBackpressure) || this.#inFlight >= this.#settings.maxInFlight || this.#isDraining;
  }

  #pauseReading(): void {
    if (this.#isReadPaused || this.#isDraining) return;
    this.#isReadPaused = true;
    this.#socket.pause();
    this.log.debug({ evt: 'conn.paused', inFlight: this.#inFlight, writableLength: this.#socket.writableLength }, 'reading paused');
  }

  #maybeResume(): void {
    if (!this.#isReadPaused || this.#mustPause() || this.#socket.destroyed) return;
    this.#isReadPaused = false;
    let isComplete: boolean;
    try {
      isComplete = this.#decoder.resume(this);
    } catch (err) {
      this.#framingFailed(err as Error);
      return;
    }
    if (!isComplete) {
      this.#isReadPaused = true;
      return;
    }
    this.#socket.resume();
    this.log.debug({ evt: 'conn.resumed' }, 'reading resumed');
  }

  readonly #onDrain = (): void => {
    this.#isWriteBlocked = false;
    this.#maybeResume();
  };

  // The peer finished sending. The socket is half-open: answers still in flight go out, then we end.
  readonly #onEnd = (): void => {
    this.#isPeerEnded = true;
    if (this.#inFlight === 0) this.#end();
  };

  readonly #onError = (err: Error): void => {
    this.#isWritable = false;
    this.#socketError = err as NodeJS.ErrnoException;
  };

  readonly #onClose = (): void => {
    this.#isWritable = false;
    let reason = this.#closeReason;
    let error = this.#closeError;
    const sockErr = this.#socketError;
    if (reason === null || (reason === 'drained' && sockErr !== null)) {
      if (sockErr === null) reason = 'peer-closed';
      else if ((sockErr.code === 'ECONNRESET' || sockErr.code === 'EPIPE') && this.#inFlight === 0) reason = 'peer-reset';
      else reason = 'socket-error';
      if (reason === 'socket-error') error = sockErr;
    }
    const level = reason === 'peer-closed' && this.#decoder.isMidFrame ? 'info' : CLOSE_LEVEL[reason];
    if (this.log.isLevelEnabled(level)) {
      const err = error === null ? undefined : { code: (error as SwitchError).code, message: error.message };
      this.log[level]({ evt: 'conn.close', reason, err, framesIn: this.framesIn, framesOut: this.framesOut, inFlight: this.#inFlight, isMidFrame: this.#decoder.isMidFrame }, `connection closed: ${reason}`);
    }
    this.#owner.onClose(this, reason, error);
  };
}
