// Codec: a spec compiled once into an array of FieldCodec indexed by DE, plus the MTI and bitmap
// layout. unpack() and pack() are the whole-message entry points. No I/O.

import assert from 'node:assert';
import { FieldCodec } from './field-codec.js';
import { IsoMessage } from './message.js';
import { DecodeError } from './errors.js';
import { packMessage } from './pack.js';
import { validateSpec, type MessageSpec } from './spec.js';
import { salvageFields } from './salvage.js';
import { unpackInto, unpackMessage } from './unpack.js';

export class Codec {
  readonly name: string;
  readonly spec: MessageSpec;
  /** Compiled fields indexed by DE number (2..192); undefined where the spec defines none. */
  readonly fields: readonly (FieldCodec | undefined)[];
  readonly mtiEncoding: MessageSpec['mti']['encoding'];
  readonly isHexBitmap: boolean;
  readonly hasTertiary: boolean;

  /** Validates `spec` (throws SpecError) and compiles it. */
  constructor(spec: MessageSpec) {
    validateSpec(spec);
    this.name = spec.name;
    this.spec = spec;
    this.mtiEncoding = spec.mti.encoding;
    this.isHexBitmap = spec.bitmap.encoding === 'hex';
    this.hasTertiary = spec.bitmap.tertiary === true;
    const fields: (FieldCodec | undefined)[] = new Array(193).fill(undefined);
    for (const [key, f] of Object.entries(spec.fields)) fields[Number(key)] = new FieldCodec(Number(key), f);
    this.fields = fields;
  }

  /**
   * Decodes the message in buf[start, end). Offsets in errors are absolute in `buf`.
   * @throws DecodeError on any malformed, truncated or trailing byte.
   */
  unpack(buf: Buffer, start = 0, end = buf.length): IsoMessage {
    // A window outside the buffer is a caller's bug, not bad input: reads past the end would see undefined.
    assert(start >= 0 && start <= end && end <= buf.length, 'unpack window lies outside the buffer');
    return unpackMessage(this, buf, start, end);
  }

  /**
   * Decodes as far as the bytes allow: the message holds the MTI ('' when unreadable), every
   * field before the first failure, and every field after it that could still be read (a field
   * whose length is known but whose content is bad is stepped over; see salvageFields). `error`
   * names the first failure (null when the whole message decoded). For answering a format error
   * with what identifies the request.
   */
  unpackPartial(buf: Buffer, start = 0, end = buf.length): { message: IsoMessage; error: DecodeError | null } {
    assert(start >= 0 && start <= end && end <= buf.length, 'unpack window lies outside the buffer');
    const message = new IsoMessage();
    try {
      unpackInto(this, buf, start, end, message);
      return { message, error: null };
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      if (message.mti !== '') salvageFields(this, buf, start, end, message, err);
      return { message, error: err };
    }
  }

  /**
   * Encodes `msg` into a new buffer of exactly the right size. `headroom` bytes (zeroed) are kept
   * in front for a frame header that the caller backfills. Offsets in errors count the headroom.
   * @throws EncodeError when a value cannot be encoded under the spec.
   */
  pack(msg: IsoMessage, headroom = 0): Buffer {
    return packMessage(this, msg, headroom);
  }
}
