// Socket helpers for transport tests: a raw client that collects bytes, awaiting events (never
// sleeping), and a cleanup list every test registers its servers and sockets in.

import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';

/** Things to close after each test, registered as they are created. */
export class Cleanup {
  #fns: Array<() => unknown> = [];

  add(fn: () => unknown): void {
    this.#fns.push(fn);
  }

  async run(): Promise<void> {
    const fns = this.#fns.splice(0).reverse();
    for (const fn of fns) await fn();
  }
}

/** A raw TCP client that accumulates everything it receives. */
export class RawPeer {
  readonly socket: Socket;
  #chunks: Buffer[] = [];
  /** Bytes received so far. */
  length = 0;
  #waiters: Array<{ bytes: number; resolve: () => void }> = [];
  #closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.length += chunk.length;
      this.#waiters = this.#waiters.filter((w) => (this.length >= w.bytes ? (w.resolve(), false) : true));
    });
    socket.on('error', () => {});
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async connect(port: number, cleanup: Cleanup): Promise<RawPeer> {
    const socket = createConnection({ host: '127.0.0.1', port, noDelay: true });
    cleanup.add(() => socket.destroy());
    await once(socket, 'connect');
    return new RawPeer(socket);
  }

  write(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'hex') : bytes);
  }

  /** Resolves once at least `bytes` bytes have arrived in total. */
  until(bytes: number): Promise<void> {
    if (this.length >= bytes) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ bytes, resolve }));
  }

  /** Resolves when the socket is closed (by either side). */
  closed(): Promise<void> {
    return this.#closed;
  }

  /** Everything received so far, in one buffer. */
  get received(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  hex(): string {
    return this.received.toString('hex').toUpperCase();
  }
}
