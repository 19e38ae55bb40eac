// packMessage(): IsoMessage -> bytes. Sizes every field first, allocates once, writes every byte.
// Never emits a malformed message: any bad value throws EncodeError before the buffer is returned.

import { bitmapBytes, writeBitmap } from './bitmap.js';
import type { Codec } from './codec.js';
import { EncodeError } from './errors.js';
import type { IsoMessage } from './message.js';

function writeMti(codec: Codec, buf: Buffer, at: number, mti: string): number {
  if (codec.mtiEncoding === 'bcd') {
    buf[at] = ((mti.charCodeAt(0) - 0x30) << 4) | (mti.charCodeAt(1) - 0x30);
    buf[at + 1] = ((mti.charCodeAt(2) - 0x30) << 4) | (mti.charCodeAt(3) - 0x30);
    return at + 2;
  }
  const zero = codec.mtiEncoding === 'ebcdic' ? 0xf0 : 0x30;
  for (let i = 0; i < 4; i++) buf[at + i] = zero + mti.charCodeAt(i) - 0x30;
  return at + 4;
}

function checkMti(mti: unknown): void {
  let ok = typeof mti === 'string' && mti.length === 4;
  for (let i = 0; ok && i < 4; i++) {
    const c = (mti as string).charCodeAt(i);
    ok = c >= 0x30 && c <= 0x39;
  }
  if (!ok) throw new EncodeError('CODEC_MISSING_MTI', { field: 'mti', offset: 0, detail: 'MTI must be four digits' });
}

/**
 * HOT: encodes `msg` under `codec` with `headroom` zeroed bytes in front.
 * @throws EncodeError naming the field and the byte offset in the output where it would start.
 */
export function packMessage(codec: Codec, msg: IsoMessage, headroom: number): Buffer {
  checkMti(msg.mti);
  const values = msg.values;
  const fields = codec.fields;
  const words = [0, 0, 0, 0, 0, 0];
  const present: number[] = [];
  const limit = Math.min(values.length, 193);
  for (let de = 2; de < limit; de++) {
    if (values[de] === undefined) continue;
    if (fields[de] === undefined || (de === 65 && codec.hasTertiary)) {
      throw new EncodeError('CODEC_UNDEFINED_FIELD', { field: de, offset: 0, detail: 'the spec does not define this field' });
    }
    present.push(de);
    words[(de - 1) >> 5] |= 0x80000000 >>> ((de - 1) & 31);
  }
  for (let de = limit; de < values.length; de++) {
    if (values[de] !== undefined) throw new EncodeError('CODEC_UNDEFINED_FIELD', { field: de, offset: 0, detail: 'field numbers end at 192' });
  }
  // Bitmaps follow from the fields present: no field above 64 (128), no secondary (tertiary) bitmap.
  const hasTertiary = (words[4] | words[5]) !== 0;
  const hasSecondary = hasTertiary || (words[2] | words[3]) !== 0;
  if (hasSecondary) words[0] |= 0x80000000;
  if (hasTertiary) {
    if (!codec.hasTertiary) throw new EncodeError('CODEC_UNDEFINED_FIELD', { field: present[present.length - 1], offset: 0, detail: 'the spec has no tertiary bitmap' });
    words[2] |= 0x80000000; // bit 65 announces the tertiary bitmap
  }

  const bmBytes = bitmapBytes(codec.isHexBitmap);
  let size = headroom + (codec.mtiEncoding === 'bcd' ? 2 : 4) + bmBytes * (hasSecondary ? 2 : 1);
  let tertiarySized = !hasTertiary;
  for (let i = 0; i < present.length; i++) {
    const de = present[i];
    if (!tertiarySized && de > 65) {
      size += bmBytes; // the tertiary bitmap travels as DE 65, between DE 64 and DE 66
      tertiarySized = true;
    }
    size += (fields[de] as NonNullable<(typeof fields)[number]>).encodedSize(values[de]!, size);
  }

  const buf = Buffer.allocUnsafe(size); // every byte below is written before return
  if (headroom > 0) buf.fill(0, 0, headroom);
  let at = writeMti(codec, buf, headroom, msg.mti);
  at = writeBitmap(buf, at, codec.isHexBitmap, words, 0);
  if (hasSecondary) at = writeBitmap(buf, at, codec.isHexBitmap, words, 2);
  let tertiaryDone = !hasTertiary;
  for (let i = 0; i < present.length; i++) {
    const de = present[i];
    if (!tertiaryDone && de > 65) {
      at = writeBitmap(buf, at, codec.isHexBitmap, words, 4);
      tertiaryDone = true;
    }
    at = (fields[de] as NonNullable<(typeof fields)[number]>).encode(buf, at, values[de]!);
  }
  return buf;
}
