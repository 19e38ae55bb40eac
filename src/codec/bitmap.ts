// Bitmaps as uint32 words: word 0 holds bits 1-32, word 1 bits 33-64, and so on. Binary (8 bytes
// per bitmap) or hex-ASCII (16 characters). Throws only DecodeError.

import { HEX_VALUE } from './charsets.js';
import { DecodeError } from './errors.js';

/** Reads one 64-bit bitmap at `at` into words[k], words[k+1]; the caller bounds-checked. */
export function readBitmap(buf: Buffer, at: number, isHex: boolean, words: number[], k: number): void {
  if (!isHex) {
    words[k] = ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
    words[k + 1] = ((buf[at + 4] << 24) | (buf[at + 5] << 16) | (buf[at + 6] << 8) | buf[at + 7]) >>> 0;
    return;
  }
  const hexValue = HEX_VALUE; // one hole check per call, not one per digit
  for (let w = 0; w < 2; w++) {
    let word = 0;
    for (let i = 0; i < 8; i++) {
      const pos = at + w * 8 + i;
      const h = hexValue[buf[pos]];
      if (h < 0) throw new DecodeError('CODEC_BAD_BITMAP', { field: 'bitmap', offset: pos, detail: 'non-hex character in hex-ASCII bitmap' });
      word = (word << 4) | h;
    }
    words[k + w] = word >>> 0;
  }
}

const HEX_UPPER = [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46];

/** Writes words[k], words[k+1] as one bitmap at `at`; returns the offset after it. */
export function writeBitmap(buf: Buffer, at: number, isHex: boolean, words: number[], k: number): number {
  if (!isHex) {
    for (let w = 0; w < 2; w++) {
      const word = words[k + w];
      buf[at++] = word >>> 24;
      buf[at++] = (word >>> 16) & 0xff;
      buf[at++] = (word >>> 8) & 0xff;
      buf[at++] = word & 0xff;
    }
    return at;
  }
  const digits = HEX_UPPER;
  for (let w = 0; w < 2; w++) {
    const word = words[k + w];
    for (let shift = 28; shift >= 0; shift -= 4) buf[at++] = digits[(word >>> shift) & 15];
  }
  return at;
}

/** Bytes one bitmap takes on the wire. */
export function bitmapBytes(isHex: boolean): number {
  return isHex ? 16 : 8;
}
