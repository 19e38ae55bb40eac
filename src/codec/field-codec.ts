// One compiled field: its prefixer and body chosen once, so decoding and encoding a field never
// branches on the spec again. Throws only DecodeError / EncodeError.

import { makeBody, type Body, type DecodeCursor, type FieldValue } from './encodings.js';
import { DecodeError, EncodeError } from './errors.js';
import { makePrefixer, type Prefixer } from './prefixers.js';
import { decodeTlv } from './tlv.js';
import type { FieldSpec } from './spec.js';

export class FieldCodec {
  readonly de: number;
  readonly spec: FieldSpec;
  readonly isFixed: boolean;
  readonly isBinary: boolean;
  /** The body is BER-TLV and is checked when decoded. */
  readonly isTlv: boolean;
  /** Maximum (or exact, when fixed) length in value units. */
  readonly maxLength: number;
  readonly prefix: Prefixer;
  readonly body: Body;
  /** Converts between a prefix count and a value length when the prefix counts wire units. */
  readonly #countsWire: boolean;
  /** Wire bytes of a fixed field, computed once. */
  readonly #fixedBytes: number;
  readonly #prefixWidth: number;
  /** Wire bytes per value byte of a b field (2 for hex-ASCII), to place TLV errors on the wire. */
  readonly #wireScale: number;

  constructor(de: number, spec: FieldSpec) {
    this.de = de;
    this.spec = spec;
    this.isFixed = spec.prefix === 'fixed';
    this.isBinary = spec.class === 'b';
    this.isTlv = spec.tlv === true;
    this.maxLength = spec.length;
    this.prefix = makePrefixer(spec.prefix);
    this.body = makeBody(spec);
    this.#countsWire = spec.lengthCounts === 'wire' && (spec.data === 'hex' || spec.data === 'bcd');
    this.#fixedBytes = this.body.wireBytes(spec.length);
    this.#prefixWidth = this.prefix.width;
    this.#wireScale = spec.data === 'hex' ? 2 : 1;
  }

  /**
   * HOT: decodes this field at `at` (its prefix, then its body) into `out[de]`; returns the offset
   * after it. Throws DecodeError for truncation, a bad or oversized length, or bad content.
   */
  decode(cur: DecodeCursor, at: number, end: number, out: (FieldValue | undefined)[]): number {
    let len = this.maxLength;
    let dataAt = at;
    let bytes = this.#fixedBytes;
    if (!this.isFixed) {
      const width = this.#prefixWidth;
      if (at + width > end) throw truncated(this.de, at, width, end - at, 'length prefix');
      len = this.prefix.read(cur.buf, at, this.de);
      dataAt = at + width;
      if (this.#countsWire) len = this.#lengthFromWire(cur.buf, len, dataAt, end, at);
      if (len > this.maxLength) throw this.#tooLong(DecodeError, at, len);
      if (len === 0 && this.spec.class === 'x+n') {
        throw new DecodeError('CODEC_BAD_LENGTH_PREFIX', { field: this.de, offset: at, detail: 'length prefix announces an amount without digits' });
      }
      bytes = this.body.wireBytes(len);
    }
    if (dataAt + bytes > end) throw truncated(this.de, dataAt, bytes, end - dataAt, 'data');
    const v = this.body.decode(cur, dataAt, len, this.de);
    out[this.de] = v;
    if (this.isTlv) decodeTlv(v as Buffer, 0, (v as Buffer).length, this.de, dataAt, this.#wireScale);
    return dataAt + bytes;
  }

  /**
   * The offset after this field at `at` without reading its body: from its length prefix, or its
   * size when fixed. -1 when that cannot be known (a bad, oversized or truncated prefix) or the
   * field runs past `end`. Not hot: for reading past a malformed field.
   */
  extent(buf: Buffer, at: number, end: number): number {
    if (this.isFixed) return at + this.#fixedBytes <= end ? at + this.#fixedBytes : -1;
    const dataAt = at + this.#prefixWidth;
    if (dataAt > end) return -1;
    let len: number;
    try {
      len = this.prefix.read(buf, at, this.de);
      if (this.#countsWire) len = this.#lengthFromWire(buf, len, dataAt, end, at);
    } catch (err) {
      if (err instanceof DecodeError) return -1;
      throw err;
    }
    if (len > this.maxLength) return -1;
    const after = dataAt + this.body.wireBytes(len);
    return after <= end ? after : -1;
  }

  /** A TLV field must hold well-formed BER-TLV on the way out too, or our own decoder would refuse it. */
  #checkTlv(v: Buffer, at: number): void {
    try {
      decodeTlv(v, 0, v.length, this.de, at, this.#wireScale);
    } catch (err) {
      const e = err as DecodeError;
      throw new EncodeError('CODEC_BAD_TLV', { field: this.de, offset: e.offset, detail: e.detail }, { cause: err });
    }
  }

  #tooLong(E: typeof DecodeError | typeof EncodeError, at: number, len: number): Error {
    return new E('CODEC_LENGTH_EXCEEDS_MAX', { field: this.de, offset: at, detail: `length ${len} exceeds max ${this.maxLength}`, expected: this.maxLength, actual: len });
  }

  /** Bytes this field takes on the wire for `v`, prefix included; checks its type and length. */
  encodedSize(v: FieldValue, at: number): number {
    const de = this.de;
    const len = this.body.lengthOf(v, de, at);
    if (this.isFixed) {
      const padsShort = !this.isBinary && this.spec.class !== 'z';
      if (len > this.maxLength || (len < this.maxLength && !padsShort)) {
        throw new EncodeError('CODEC_BAD_LENGTH', { field: de, offset: at, detail: `value length ${len}, field takes exactly ${this.maxLength}`, expected: this.maxLength, actual: len });
      }
      return this.body.wireBytes(this.maxLength);
    }
    if (len > this.maxLength) throw this.#tooLong(EncodeError, at, len);
    if (this.isTlv) this.#checkTlv(v as Buffer, at + this.prefix.width);
    return this.prefix.width + this.body.wireBytes(len);
  }

  /** HOT: writes prefix and body at `at` (size already checked by encodedSize); returns the end. */
  encode(buf: Buffer, at: number, v: FieldValue): number {
    if (this.isFixed) {
      this.body.write(buf, at, v, this.maxLength, this.de);
      return at + this.body.wireBytes(this.maxLength);
    }
    const len = this.body.lengthOf(v, this.de, at);
    const bytes = this.body.wireBytes(len);
    this.prefix.write(buf, at, this.#countsWire ? this.#wireCount(len, bytes) : len);
    this.body.write(buf, at + this.prefix.width, v, len, this.de);
    return at + this.prefix.width + bytes;
  }

  #wireCount(len: number, bytes: number): number {
    return this.spec.data === 'hex' ? len * 2 : bytes;
  }

  /** Value length from a prefix that counts wire units: hex chars, or BCD bytes (pad nibble F). */
  #lengthFromWire(buf: Buffer, count: number, dataAt: number, end: number, at: number): number {
    const de = this.de;
    if (this.spec.data === 'hex') {
      if ((count & 1) === 1) throw new DecodeError('CODEC_BAD_LENGTH_PREFIX', { field: de, offset: at, detail: 'length prefix counts an odd number of hex characters' });
      return count / 2;
    }
    if (this.spec.class === 'x+n') {
      if (count === 0) throw new DecodeError('CODEC_BAD_LENGTH_PREFIX', { field: de, offset: at, detail: 'length prefix leaves no byte for the sign' });
      return 2 * (count - 1);
    }
    if (count === 0) return 0;
    const padLeft = (this.spec.pad ?? 'right') === 'left';
    const padAt = padLeft ? dataAt : dataAt + count - 1;
    if (padAt >= end) throw truncated(de, dataAt, count, end - dataAt, 'data');
    const nib = padLeft ? buf[padAt] >> 4 : buf[padAt] & 15;
    return 2 * count - (nib === 15 ? 1 : 0);
  }
}

function truncated(de: number, at: number, need: number, left: number, what: string): DecodeError {
  return new DecodeError('CODEC_TRUNCATED', { field: de, offset: at, detail: `${what} needs ${need} bytes but ${Math.max(0, left)} remain`, expected: need, actual: Math.max(0, left) });
}
