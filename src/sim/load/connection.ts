// LoadConnection: one terminal socket of the load generator. Sends one request at a time from its
// prebuilt templates (STAN patched in place) and waits for the answer (closed loop); reads DE 39
// only when the answer is not the request echoed back. The owner decides when to send.

import type { Socket } from 'node:net';
import type { Codec } from '../../codec/index.js';
import { MAX_STAN, stanAfter } from '../../link/index.js';
import type { Clock } from '../../common/index.js';
import { connectSocket, FrameDecoder, type ClientTls, type FrameHeader, type FrameSink, type Framing, type Sweepable } from '../../transport/index.js';
import type { FrameTemplate } from './templates.js';

/** Response code key for an answer without DE 39 (an echo server returns the request). */
export const NO_DE39 = 'none';

/** What a connection reports to the run that owns it. */
export interface LoadOwner {
  /** The connection may send: call `send()` now, later, or never. */
  ready(conn: LoadConnection): void;
  answered(latencyUs: number, rc: string): void;
  timedOut(): void;
  failed(err: Error): void;
  /** The socket closed; `hadConnected` tells whether this socket had ever connected. */
  closed(conn: LoadConnection, hadConnected: boolean): void;
}

export interface LoadConnectionOptions {
  host: string;
  port: number;
  codec: Codec;
  framing: Framing;
  header: FrameHeader;
  timeoutMs: number;
  clock: Clock;
  /** TLS (one context for every connection); null: plain TCP. */
  tls: ClientTls | null;
  /** The mix as kind indices; the connection starts at its own offset into it. */
  schedule: Uint8Array;
  cardCount: number;
}

export class LoadConnection implements FrameSink, Sweepable {
  readonly index: number;
  readonly #o: LoadConnectionOptions;
  readonly #owner: LoadOwner;
  readonly #templates: FrameTemplate[];
  #socket: Socket | null = null;
  #decoder: FrameDecoder;
  #isConnected = false;
  #turn: number;
  #stan: number;
  /** The frame sent and not yet answered, null when idle. Read only, never modified after write. */
  #inFlight: Buffer | null = null;
  #headroom = 0;
  #sentAt = 0;

  constructor(index: number, templates: FrameTemplate[], owner: LoadOwner, options: LoadConnectionOptions) {
    this.index = index;
    this.#o = options;
    this.#owner = owner;
    this.#templates = templates;
    this.#decoder = this.#newDecoder();
    this.#turn = index;
    this.#stan = (index * 7919) % MAX_STAN;
  }

  get isInFlight(): boolean {
    return this.#inFlight !== null;
  }

  /** Opens the socket (and its TLS handshake); the owner hears `ready` once connected, `failed` and `closed` otherwise. */
  connect(): void {
    this.#decoder = this.#newDecoder();
    this.#isConnected = false;
    const socket = connectSocket(this.#o, () => {
      this.#isConnected = true;
      this.#owner.ready(this);
    });
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#decoder.push(chunk, this);
      } catch (err) {
        this.#inFlight = null;
        this.#owner.failed(err as Error);
        socket.destroy();
      }
    });
    socket.on('error', (err) => {
      this.#inFlight = null;
      this.#owner.failed(err);
    });
    socket.on('close', () => {
      this.#inFlight = null;
      if (this.#socket === socket) this.#socket = null;
      this.#owner.closed(this, this.#isConnected);
    });
  }

  /** HOT: sends the next request of the mix: patch the template's STAN, write a copy of it. */
  send(): void {
    const schedule = this.#o.schedule;
    const turn = this.#turn++;
    const template = this.#templates[schedule[turn % schedule.length] * this.#o.cardCount + (turn % this.#o.cardCount)];
    this.#stan = stanAfter(this.#stan);
    template.patchStan(this.#stan);
    // A copy: the template is patched again for the next request, and a written buffer is not touched.
    const frame = Buffer.from(template.frame);
    this.#inFlight = frame;
    this.#headroom = template.headroom;
    this.#sentAt = this.#o.clock.now();
    this.#socket!.write(frame);
  }

  /** HOT: an answer. The request echoed back byte for byte counts as 'no DE 39' without decoding. */
  onFrame(buf: Buffer, start: number, end: number): boolean {
    const sent = this.#inFlight;
    if (sent === null) return true; // a late answer to a request already counted as timed out
    const latencyUs = Math.max(1, Math.round((this.#o.clock.now() - this.#sentAt) * 1000));
    this.#inFlight = null;
    let rc = NO_DE39;
    if (buf.compare(sent, this.#headroom, sent.length, start, end) !== 0) {
      try {
        const de39 = this.#o.codec.unpack(buf, start, end).get(39);
        if (de39 !== undefined) rc = typeof de39 === 'string' ? de39 : de39.toString('hex');
      } catch (err) {
        this.#owner.failed(err as Error);
        this.#owner.ready(this);
        return true;
      }
    }
    this.#owner.answered(latencyUs, rc);
    this.#owner.ready(this);
    return true;
  }

  onKeepAlive(): void {}

  /** Counts a request unanswered after the timeout and drops the socket (its answer would be late). */
  sweep(now: number): void {
    if (this.#inFlight === null || now - this.#sentAt < this.#o.timeoutMs) return;
    this.#inFlight = null;
    this.#owner.timedOut();
    this.#socket?.destroy();
  }

  close(): void {
    this.#socket?.destroy();
  }

  #newDecoder(): FrameDecoder {
    return new FrameDecoder({ framing: this.#o.framing, header: this.#o.header, maxFrameBytes: 65_535 });
  }
}
