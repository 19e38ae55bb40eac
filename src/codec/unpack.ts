// unpackMessage(): bytes -> IsoMessage in one pass with integer offsets. Strict: truncation,
// trailing bytes, undefined fields and bad content all throw DecodeError. No I/O.

import { BCD_PAIR } from './charsets.js';
import { readBitmap, bitmapBytes } from './bitmap.js';
import type { Codec } from './codec.js';
import type { DecodeCursor } from './encodings.js';
import { DecodeError } from './errors.js';
import { IsoMessage } from './message.js';

function truncated(field: 'mti' | 'bitmap', at: number, need: number, left: number): DecodeError {
  return new DecodeError('CODEC_TRUNCATED', { field, offset: at, detail: `${field} needs ${need} bytes but ${Math.max(0, left)} remain`, expected: need, actual: Math.max(0, left) });
}

function badMti(at: number): DecodeError {
  return new DecodeError('CODEC_BAD_MTI', { field: 'mti', offset: at, detail: 'MTI is not four digits' });
}

function readMti(codec: Codec, cur: DecodeCursor, at: number, end: number): string {
  const buf = cur.buf;
  if (codec.mtiEncoding === 'bcd') {
    if (at + 2 > end) throw truncated('mti', at, 2, end - at);
    const a = BCD_PAIR[buf[at]];
    const b = BCD_PAIR[buf[at + 1]];
    if (a === '' || b === '') throw badMti(at);
    return a + b;
  }
  if (at + 4 > end) throw truncated('mti', at, 4, end - at);
  const zero = codec.mtiEncoding === 'ebcdic' ? 0xf0 : 0x30;
  for (let i = at; i < at + 4; i++) {
    const d = buf[i] - zero;
    if (d < 0 || d > 9) throw badMti(at);
  }
  if (zero === 0x30) return cur.str.substring(at - cur.strBase, at - cur.strBase + 4);
  return String.fromCharCode(buf[at] - 0xc0, buf[at + 1] - 0xc0, buf[at + 2] - 0xc0, buf[at + 3] - 0xc0);
}

/**
 * Reads the bitmap at `at` into words[k], words[k + 1]; returns the offset after it. An announced
 * secondary or tertiary bitmap with no bit set is read and ignored: the npm iso_8583 package always
 * sends a secondary one, and jPOS and pyiso8583 accept it. The message keeps no trace of it, so
 * packing it again writes no empty bitmap.
 */
export function readOneBitmap(codec: Codec, buf: Buffer, at: number, end: number, words: number[], k: number): number {
  const size = bitmapBytes(codec.isHexBitmap);
  if (at + size > end) throw truncated('bitmap', at, size, end - at);
  readBitmap(buf, at, codec.isHexBitmap, words, k);
  return at + size;
}

/**
 * HOT: decodes buf[start, end) under `codec`.
 * @throws DecodeError naming the field and the absolute byte offset of what is wrong.
 */
export function unpackMessage(codec: Codec, buf: Buffer, start: number, end: number): IsoMessage {
  const msg = new IsoMessage();
  unpackInto(codec, buf, start, end, msg);
  return msg;
}

/**
 * HOT: decodes into `msg` as it goes, so that on a DecodeError `msg` holds the MTI (or '') and the
 * fields decoded before the failure: enough for a switch to answer a format error.
 */
export function unpackInto(codec: Codec, buf: Buffer, start: number, end: number, msg: IsoMessage): void {
  // One latin1 string for the whole message: text fields become substrings of it, which costs far
  // less than one toString per field (measured in bench/codec.bench.ts).
  const cur: DecodeCursor = { buf, str: buf.toString('latin1', start, end), strBase: start };
  msg.mti = readMti(codec, cur, start, end);
  let pos = start + (codec.mtiEncoding === 'bcd' ? 2 : 4);
  const words = [0, 0, 0, 0, 0, 0];
  const bitmapAt = [pos, 0, 0];
  pos = readOneBitmap(codec, buf, pos, end, words, 0);
  if ((words[0] & 0x80000000) !== 0) {
    bitmapAt[1] = pos;
    pos = readOneBitmap(codec, buf, pos, end, words, 2);
  }
  const values = msg.values;
  const fields = codec.fields;
  for (let k = 0; k < 6; k++) {
    let w = k === 0 ? words[0] & 0x7fffffff : words[k];
    while (w !== 0) {
      const bit = Math.clz32(w);
      w &= ~(0x80000000 >>> bit);
      const de = k * 32 + bit + 1;
      if (de === 65 && codec.hasTertiary) {
        bitmapAt[2] = pos;
        pos = readOneBitmap(codec, buf, pos, end, words, 4);
        continue;
      }
      const fc = fields[de];
      if (fc === undefined) {
        throw new DecodeError('CODEC_UNDEFINED_FIELD', { field: de, offset: bitmapAt[k >> 1], detail: 'bitmap announces a field the spec does not define' });
      }
      pos = fc.decode(cur, pos, end, values);
    }
  }
  if (pos !== end) {
    throw new DecodeError('CODEC_TRAILING_BYTES', { field: 'message', offset: pos, detail: `${end - pos} bytes after the last field`, actual: end - pos });
  }
}

