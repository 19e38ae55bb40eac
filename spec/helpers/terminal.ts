// A test terminal on a real TCP socket: frames messages with the transport's length headers (and a
// TPDU when asked), reads whole answers back in arrival order, and builds the switch's requests
// with fresh STANs so that no two requests look like duplicates. Test-only.

import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { fromJson, transmissionTime, type Codec, type IsoMessage } from '../../src/codec/index.js';
import { StanCounter } from '../../src/link/index.js';
import { FrameDecoder, FrameEncoder, NO_TPDU, TPDU_BYTES, parseTpdu, type FrameHeader, type Framing } from '../../src/transport/index.js';

export interface TerminalOptions {
  framing?: Framing;
  header?: FrameHeader;
  /** The TPDU sent with header `tpdu`, as 10 hex digits. Default 6000120000 (NII 012). */
  tpdu?: string;
}

/** One framed answer: the TPDU that came with it (header `tpdu`) and the message bytes. */
export interface Answer {
  tpdu: Buffer | null;
  bytes: Buffer;
}

export class Terminal {
  readonly socket: Socket;
  readonly codec: Codec;
  readonly #encoder: FrameEncoder;
  readonly #decoder: FrameDecoder;
  readonly #tpdu: number;
  readonly #hasTpdu: boolean;
  readonly #answers: Answer[] = [];
  #waiters: Array<{ resolve: (a: Answer) => void; reject: (e: Error) => void }> = [];
  #end: Error | null = null;
  readonly #closed: Promise<void>;

  private constructor(socket: Socket, codec: Codec, options: TerminalOptions) {
    const framing = options.framing ?? 'ascii4';
    const header = options.header ?? 'none';
    this.socket = socket;
    this.codec = codec;
    this.#hasTpdu = header === 'tpdu';
    this.#tpdu = this.#hasTpdu ? parseTpdu('tpdu', options.tpdu ?? '6000120000') : NO_TPDU;
    this.#encoder = new FrameEncoder({ framing, header });
    this.#decoder = new FrameDecoder({ framing, header, maxFrameBytes: 65_535 });
    const sink = {
      onFrame: (buf: Buffer, start: number, end: number): boolean => {
        const tpdu = this.#hasTpdu ? Buffer.copyBytesFrom(buf, start - TPDU_BYTES, TPDU_BYTES) : null;
        this.#deliver({ tpdu, bytes: Buffer.copyBytesFrom(buf, start, end - start) });
        return true;
      },
      onKeepAlive: () => {},
    };
    socket.on('data', (chunk: Buffer) => this.#decoder.push(chunk, sink));
    socket.on('error', () => {});
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#end = new Error('the switch closed the connection');
        for (const w of this.#waiters.splice(0)) w.reject(this.#end);
        resolve();
      });
    });
  }

  /** Connects to 127.0.0.1:`port`. */
  static async connect(port: number, codec: Codec, options: TerminalOptions = {}): Promise<Terminal> {
    const socket = createConnection({ host: '127.0.0.1', port, noDelay: true });
    try {
      await once(socket, 'connect');
    } catch (err) {
      socket.destroy();
      throw err;
    }
    return new Terminal(socket, codec, options);
  }

  /** Frames `message` (packed bytes, no header) and sends it. */
  sendBytes(message: Uint8Array): void {
    this.socket.write(this.#encoder.encode(message, this.#tpdu));
  }

  /** Sends bytes exactly as given (a hand-made frame). */
  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Packs, frames and sends `msg`. */
  send(msg: IsoMessage): void {
    this.sendBytes(this.codec.pack(msg));
  }

  /** The next answer not yet taken; rejects if the connection closes first. */
  nextAnswer(): Promise<Answer> {
    const ready = this.#answers.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.#end !== null) return Promise.reject(this.#end);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** The next answer, decoded. */
  async receive(): Promise<IsoMessage> {
    return this.codec.unpack((await this.nextAnswer()).bytes);
  }

  /** Sends `msg` and resolves with the next answer, decoded (one request in flight at a time). */
  async request(msg: IsoMessage): Promise<IsoMessage> {
    this.send(msg);
    return this.receive();
  }

  get isOpen(): boolean {
    return this.#end === null;
  }

  closed(): Promise<void> {
    return this.#closed;
  }

  close(): void {
    this.socket.destroy();
  }

  #deliver(answer: Answer): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve(answer);
    else this.#answers.push(answer);
  }
}

const STANS = new StanCounter(1 + Math.floor(Math.random() * 400_000));

/** A STAN no other request of this process used: no accidental duplicates across tests. */
export function nextStan(): string {
  return STANS.next();
}

/** DE 7 (MMDDhhmmss, UTC) for now. */
export function nowDe7(): string {
  return transmissionTime(new Date());
}

export type Fields = Record<string, string | undefined>;

/** A request `mti` with `fields` (undefined values left out); binary fields as hex. */
export function message(codec: Codec, mti: string, fields: Fields): IsoMessage {
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return fromJson(codec, { mti, fields: present });
}

/** Fields of a keyed USD purchase by `pan` (DE 14 when `expiry` is given), fresh STAN, terminal TERM0001. */
export function purchaseFields(pan: string, expiry: string | null, amountMinor = 10_000, overrides: Fields = {}): Fields {
  return {
    2: pan, 3: '000000', 4: String(amountMinor).padStart(12, '0'), 7: nowDe7(), 11: nextStan(), 12: '103015', 13: '1123',
    14: expiry ?? undefined, 22: '012', 32: '123456', 41: 'TERM0001', 42: 'MERCHANT0000001', 49: '840', ...overrides,
  };
}

/** An 0800 with DE 70 = `code` (001 sign-on, 002 sign-off, 301 echo). */
export function networkFields(code: string, overrides: Fields = {}): Fields {
  return { 7: nowDe7(), 11: nextStan(), 70: code, ...overrides };
}

/** DE 90 (n 42) pointing at `original`: MTI, STAN, DE 7, acquirer (11, zero-filled), forwarder zeros. */
export function originalData(original: IsoMessage): string {
  const text = (de: number): string => String(original.get(de) ?? '');
  return `${original.mti}${text(11)}${text(7)}${text(32).padStart(11, '0')}${'0'.repeat(11)}`;
}
