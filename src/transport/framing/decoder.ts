// FrameDecoder: bytes of one connection in, whole frames out, whatever the chunking. One accumulator
// per connection; a frame inside one chunk goes out as offsets into that chunk. Throws only FramingError.

import { FramingError } from '../errors.js';
import { LENGTH_HEADERS, type Framing, type LengthHeader } from './length-headers.js';
import { TPDU_BYTES, type FrameHeader } from './tpdu.js';

/** Receives what the decoder finds. Both calls happen inside `push()` / `resume()`. */
export interface FrameSink {
  /**
   * A complete frame: the message is buf[start, end); with the `tpdu` header the TPDU is
   * buf[start - 5, start). The bytes are valid only during the call (they may be a view of the
   * socket chunk or of the accumulator, which is reused). Return false to stop decoding: the rest
   * is kept until `resume()`.
   */
  onFrame(buf: Buffer, start: number, end: number): boolean;
  /** A zero-length frame (a keep-alive); nothing to pass on. */
  onKeepAlive(): void;
}

const EMPTY = Buffer.alloc(0);

export interface FrameDecoderOptions {
  framing: Framing;
  header: FrameHeader;
  /** Largest body (TPDU + message) accepted, in bytes. */
  maxFrameBytes: number;
}

export class FrameDecoder {
  readonly #lh: LengthHeader;
  readonly #headerSize: number;
  readonly #tpduSize: number;
  readonly #maxBody: number;
  /** Holds a frame that spans chunks: bytes [0, #held). */
  #acc: Buffer | null = null;
  #held = 0;
  /** Header + body size of the frame in #acc once its header is known; 0 before. */
  #frameSize = 0;
  /** Bytes of the stream before the frame now being read (for error offsets). */
  #consumed = 0;
  /** Bytes not yet decoded because the sink asked to stop. */
  #parked: Buffer | null = null;

  /** @throws nothing; options are validated by the connection that owns the decoder. */
  constructor(options: FrameDecoderOptions) {
    this.#lh = LENGTH_HEADERS[options.framing];
    this.#headerSize = this.#lh.size;
    this.#tpduSize = options.header === 'tpdu' ? TPDU_BYTES : 0;
    this.#maxBody = Math.min(options.maxFrameBytes, this.#lh.maxLength);
  }

  /** True while part of a frame has arrived and the rest has not (the frame timeout runs). */
  get isMidFrame(): boolean {
    return this.#held > 0;
  }

  /** True while decoding is stopped by the sink and bytes wait for `resume()`. */
  get isParked(): boolean {
    return this.#parked !== null;
  }

  /** Bytes of the stream decoded so far (complete frames and keep-alives). */
  get consumedBytes(): number {
    return this.#consumed;
  }

  /**
   * HOT: feeds one chunk. Calls the sink for every complete frame.
   * @returns false when the sink stopped decoding (call `resume()` later), true otherwise.
   * @throws FramingError on a malformed header, a length over maxFrameBytes or a short TPDU;
   *   the decoder is unusable afterwards, as is the connection.
   */
  push(chunk: Buffer, sink: FrameSink): boolean {
    if (this.#parked !== null) {
      // Bytes arriving while stopped wait behind the parked ones (rare: only under back-pressure).
      this.#parked = Buffer.concat([this.#parked, chunk]);
      return false;
    }
    let pos = 0;
    if (this.#held > 0) {
      pos = this.#fill(chunk, sink);
      if (this.#held > 0) {
        const size = this.#frameSize;
        if (size === 0 || this.#held < size) return true; // the whole chunk went into the held frame
        this.#held = 0;
        this.#frameSize = 0;
        this.#consumed += size;
        if (!sink.onFrame(this.#acc!, this.#headerSize + this.#tpduSize, size)) return this.#park(chunk, pos);
      }
    }
    return this.#scan(chunk, pos, sink);
  }

  /**
   * Continues after the sink stopped decoding.
   * @returns false if the sink stopped again, true once every parked byte is decoded.
   * @throws FramingError as push() does.
   */
  resume(sink: FrameSink): boolean {
    const parked = this.#parked;
    if (parked === null) return true;
    this.#parked = null;
    return this.#scan(parked, 0, sink);
  }

  // HOT: the offset loop over one chunk; frames entirely inside it go out without copying.
  #scan(chunk: Buffer, from: number, sink: FrameSink): boolean {
    const hs = this.#headerSize;
    const len = chunk.length;
    let pos = from;
    while (len - pos >= hs) {
      const body = this.#bodyLength(chunk, pos);
      const end = pos + hs + body;
      if (body === 0) {
        this.#consumed += hs;
        pos = end;
        sink.onKeepAlive();
        continue;
      }
      if (end > len) break;
      this.#consumed += hs + body;
      pos = end;
      if (!sink.onFrame(chunk, end - body + this.#tpduSize, end)) return this.#park(chunk, pos);
    }
    if (pos < len) this.#hold(chunk, pos);
    return true;
  }

  /** Reads and checks a complete header at buf[at]; the body length it announces. */
  #bodyLength(buf: Buffer, at: number): number {
    const body = this.#lh.read(buf, at);
    if (body < 0) throw new FramingError('FRAME_BAD_HEADER', { framing: this.#lh.name, offset: this.#consumed, detail: this.#lh.malformed });
    if (body > this.#maxBody) {
      throw new FramingError('FRAME_TOO_LARGE', {
        framing: this.#lh.name, offset: this.#consumed, length: body, detail: `length ${body} exceeds maxFrameBytes ${this.#maxBody}`,
      });
    }
    if (body !== 0 && body < this.#tpduSize) {
      throw new FramingError('FRAME_BAD_TPDU', {
        framing: this.#lh.name, offset: this.#consumed, length: body, detail: `length ${body} cannot hold a ${TPDU_BYTES}-byte TPDU`,
      });
    }
    return body;
  }

  /** Starts holding a partial frame chunk[from, len): header checked before any body byte is kept. */
  #hold(chunk: Buffer, from: number): void {
    const hs = this.#headerSize;
    const n = chunk.length - from;
    if (n >= hs) {
      this.#frameSize = hs + this.#bodyLength(chunk, from);
      this.#reserve(this.#frameSize);
    } else {
      this.#frameSize = 0;
      this.#reserve(hs);
    }
    chunk.copy(this.#acc!, 0, from);
    this.#held = n;
  }

  /** Adds bytes of `chunk` to the held frame; returns how many were taken. A split keep-alive empties it. */
  #fill(chunk: Buffer, sink: FrameSink): number {
    const hs = this.#headerSize;
    let pos = 0;
    if (this.#frameSize === 0) {
      pos = Math.min(hs - this.#held, chunk.length);
      chunk.copy(this.#acc!, this.#held, 0, pos);
      this.#held += pos;
      if (this.#held < hs) return pos;
      const body = this.#bodyLength(this.#acc!, 0);
      if (body === 0) {
        this.#held = 0;
        this.#consumed += hs;
        sink.onKeepAlive();
        return pos;
      }
      this.#frameSize = hs + body;
      this.#reserve(this.#frameSize);
    }
    const take = Math.min(this.#frameSize - this.#held, chunk.length - pos);
    chunk.copy(this.#acc!, this.#held, pos, pos + take);
    this.#held += take;
    return pos + take;
  }

  /** Makes the accumulator at least `size` bytes, keeping what it holds. */
  #reserve(size: number): void {
    const acc = this.#acc;
    if (acc !== null && acc.length >= size) return;
    // Not from the shared pool: it lives as long as the connection. Only bytes written are read.
    const next = Buffer.allocUnsafeSlow(Math.max(size, 256));
    if (acc !== null && this.#held > 0) acc.copy(next, 0, 0, this.#held);
    this.#acc = next;
  }

  #park(chunk: Buffer, pos: number): false {
    // A view, not a copy: Node allocates each socket chunk afresh and never reuses it.
    this.#parked = pos < chunk.length ? chunk.subarray(pos) : EMPTY;
    return false;
  }
}
