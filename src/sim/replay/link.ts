// ReplayLink: one TCP (or TLS) connection of a replay. Frames what a step sends and hands back whole
// answers in arrival order, waiting at most a step's timeout. Throws only ConnectionError on connect.

import type { Socket } from 'node:net';
import { connectSocket, ConnectionError, FrameDecoder, FrameEncoder, type ClientTls, type FrameHeader, type Framing } from '../../transport/index.js';

/** Where and how to connect. */
export interface ReplayTarget {
  host: string;
  port: number;
  framing: Framing;
  header: FrameHeader;
  /** Connect over TLS with this context; absent or null: plain TCP. */
  tls?: ClientTls | null;
}

const MAX_FRAME_BYTES = 65_535;

export class ReplayLink {
  readonly #socket: Socket;
  readonly #encoder: FrameEncoder;
  readonly #decoder: FrameDecoder;
  readonly #frames: Buffer[] = [];
  #waiter: ((frame: Buffer | null) => void) | null = null;
  #isClosed = false;

  private constructor(socket: Socket, target: ReplayTarget) {
    this.#socket = socket;
    this.#encoder = new FrameEncoder({ framing: target.framing, header: target.header });
    this.#decoder = new FrameDecoder({ framing: target.framing, header: target.header, maxFrameBytes: MAX_FRAME_BYTES });
    const sink = {
      onFrame: (buf: Buffer, start: number, end: number): boolean => {
        this.#deliver(Buffer.copyBytesFrom(buf, start, end - start));
        return true;
      },
      onKeepAlive: () => {},
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#decoder.push(chunk, sink);
      } catch {
        socket.destroy(); // a framing error: nothing more can be read from this stream
      }
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      this.#isClosed = true;
      this.#deliver(null);
    });
  }

  /**
   * Connects to `target`.
   * @throws ConnectionError LINK_CONNECT_FAILED when the connection cannot be opened (or its TLS
   *   handshake fails: the error's code, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE, is in the message).
   */
  static async connect(target: ReplayTarget): Promise<ReplayLink> {
    let socket: Socket | null = null;
    try {
      socket = await new Promise<Socket>((resolve, reject) => {
        const s = connectSocket(target, () => {
          s.off('error', reject);
          resolve(s);
        });
        s.once('error', reject);
        socket = s;
      });
    } catch (err) {
      socket?.destroy();
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new ConnectionError('LINK_CONNECT_FAILED', `cannot connect to ${target.host}:${target.port} (${code})`, { cause: err });
    }
    return new ReplayLink(socket, target);
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Frames and sends `message`; with a TPDU header, `tpdu` is its 40-bit value. */
  send(message: Uint8Array, tpdu: number): void {
    if (!this.#isClosed) this.#socket.write(this.#encoder.encode(message, tpdu));
  }

  /** Drops answers that arrived unasked (late answers of an earlier step). */
  discardPending(): void {
    this.#frames.length = 0;
  }

  /** The next answer (message bytes, TPDU stripped), or null after `timeoutMs` or on close. */
  next(timeoutMs: number): Promise<Buffer | null> {
    const ready = this.#frames.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.#isClosed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        resolve(null);
      }, timeoutMs);
      this.#waiter = (frame) => {
        clearTimeout(timer);
        this.#waiter = null;
        resolve(frame);
      };
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #deliver(frame: Buffer | null): void {
    if (this.#waiter !== null) this.#waiter(frame);
    else if (frame !== null) this.#frames.push(frame);
  }
}
