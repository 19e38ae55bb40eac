// FrameEncoder: puts the length header (and the TPDU, when configured) in front of a message.
// Allocates once per frame, or backfills headroom the codec left. Throws only FramingError.

import { FramingError } from '../errors.js';
import { LENGTH_HEADERS, type Framing, type LengthHeader } from './length-headers.js';
import { TPDU_BYTES, writeTpdu, type FrameHeader } from './tpdu.js';

/** No TPDU to write (the `none` header). */
export const NO_TPDU = -1;

export interface FrameEncoderOptions {
  framing: Framing;
  header: FrameHeader;
}

export class FrameEncoder {
  readonly #lh: LengthHeader;
  readonly #tpduSize: number;
  /** Bytes in front of the message: length header plus TPDU. */
  readonly headroom: number;
  readonly #keepAlive: Buffer;

  constructor(options: FrameEncoderOptions) {
    this.#lh = LENGTH_HEADERS[options.framing];
    this.#tpduSize = options.header === 'tpdu' ? TPDU_BYTES : 0;
    this.headroom = this.#lh.size + this.#tpduSize;
    const ka = Buffer.alloc(this.#lh.size);
    this.#lh.write(ka, 0, 0);
    this.#keepAlive = ka;
  }

  /**
   * HOT: a new buffer holding header, TPDU and a copy of `message`. The copy lets the caller's
   * buffer be a view of a socket chunk that is reused or released after the call.
   * @param tpdu the TPDU to send as a 40-bit integer (see tpdu.ts), or NO_TPDU.
   * @throws FramingError FRAME_TOO_LARGE past the header's largest length; FRAME_BAD_TPDU when the
   *   header needs a TPDU and none is given.
   */
  encode(message: Uint8Array, tpdu: number): Buffer {
    const out = Buffer.allocUnsafe(this.headroom + message.length); // every byte written below
    out.set(message, this.headroom);
    return this.frameInPlace(out, tpdu);
  }

  /**
   * HOT: writes header and TPDU into the first `headroom` bytes of `buf` (as left by
   * `codec.pack(msg, encoder.headroom)`) and returns `buf`.
   * @throws FramingError as `encode` does.
   */
  frameInPlace(buf: Buffer, tpdu: number): Buffer {
    const body = buf.length - this.#lh.size;
    if (body > this.#lh.maxLength) {
      throw new FramingError('FRAME_TOO_LARGE', { framing: this.#lh.name, offset: 0, length: body, detail: `length ${body} exceeds the header's largest ${this.#lh.maxLength}` });
    }
    this.#lh.write(buf, 0, body);
    if (this.#tpduSize !== 0) {
      if (tpdu < 0) throw new FramingError('FRAME_BAD_TPDU', { framing: this.#lh.name, offset: this.#lh.size, detail: 'the tpdu header is configured but no TPDU was given' });
      writeTpdu(buf, this.#lh.size, tpdu);
    }
    return buf;
  }

  /** The zero-length frame (keep-alive) of this framing. Shared and never modified. */
  keepAlive(): Buffer {
    return this.#keepAlive;
  }
}
