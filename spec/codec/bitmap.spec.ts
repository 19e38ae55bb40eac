// Bitmaps: word layout, when the secondary and tertiary bitmaps are emitted, and hex case handling.

import { describe, expect, it } from 'vitest';
import { DecodeError, IsoMessage, builtinCodec } from '../../src/codec/index.js';
import { bitmapBytes, readBitmap, writeBitmap } from '../../src/codec/bitmap.js';
import { ascii, cat, codecFor, hex, hexOf, thrown } from '../helpers/bytes.js';

const A = builtinCodec('iso87ascii');
const B = builtinCodec('iso87binary');
const TERTIARY = codecFor({
  name: 'iso93-tertiary',
  extends: 'iso93ascii',
  bitmap: { encoding: 'hex', tertiary: true },
  fields: { 65: null, 130: { name: 'Private 130', class: 'ans', length: 20, prefix: 'ascii.LL', data: 'ascii' } },
});

/** Bit numbers set in words[0..n), bit 1 being the MSB of word 0. */
function bitsOf(words: number[]): number[] {
  const out: number[] = [];
  words.forEach((w, k) => {
    for (let i = 0; i < 32; i++) if ((w & (0x80000000 >>> i)) !== 0) out.push(k * 32 + i + 1);
  });
  return out;
}

describe('readBitmap / writeBitmap', () => {
  it('reads the bits of primer example 4a when the bitmap is hex-ASCII', () => {
    const words = [0, 0];
    readBitmap(ascii('723C448108E08000'), 0, true, words, 0);
    expect(bitsOf(words)).toEqual([2, 3, 4, 7, 11, 12, 13, 14, 18, 22, 25, 32, 37, 41, 42, 43, 49]);
  });

  it('reads the bits of primer example 4b when the bitmap is binary', () => {
    const words = [0, 0];
    readBitmap(hex('3038078020C01200'), 0, false, words, 0);
    expect(bitsOf(words)).toEqual([3, 4, 11, 12, 13, 22, 23, 24, 25, 35, 41, 42, 52, 55]);
  });

  it.each([true, false])('writes back the words it read at an offset when isHex is %s', (isHex) => {
    const maps = 'FFFFFFFFFFFFFFFF8000000000000001';
    const src = cat(hex('00'), isHex ? ascii(maps) : hex(maps));
    const words = [0, 0, 0, 0];
    readBitmap(src, 1, isHex, words, 0);
    readBitmap(src, 1 + bitmapBytes(isHex), isHex, words, 2);
    expect(bitsOf(words.slice(2))).toEqual([1, 64]);
    const out = Buffer.alloc(src.length);
    expect(writeBitmap(out, writeBitmap(out, 1, isHex, words, 0), isHex, words, 2)).toBe(out.length);
    expect(hexOf(out)).toBe(hexOf(src));
  });

  it('accepts lowercase when a hex bitmap is read', () => {
    const lower = [0, 0];
    const upper = [0, 0];
    readBitmap(ascii('723c448108e08000'), 0, true, lower, 0);
    readBitmap(ascii('723C448108E08000'), 0, true, upper, 0);
    expect(lower).toEqual(upper);
  });
});

describe('bitmaps in messages', () => {
  it('emits only the primary bitmap when no field above 64 is present', () => {
    const bytes = A.pack(new IsoMessage('0800').set(11, '000777').set(64, hex('CAFEBABECAFEBABE')));
    expect(bytes.toString('latin1', 4, 20)).toBe('0020000000000001');
    expect(bytes.length).toBe(4 + 16 + 6 + 16);
  });

  it('emits bit 1 and a secondary bitmap when a field above 64 is present (primer 0800 echo)', () => {
    const bytes = A.pack(new IsoMessage('0800').set(7, '0612143015').set(11, '000777').set(70, '301'));
    expect(bytes.toString('latin1')).toBe(['0800', '8220000000000000', '0400000000000000', '0612143015', '000777', '301'].join(''));
    expect(hexOf(B.pack(new IsoMessage('0800').set(70, '301')))).toBe('0800 8000000000000000 0400000000000000 0301'.replaceAll(' ', ''));
  });

  it('decodes the same message when the hex bitmaps are lowercase', () => {
    const bytes = A.pack(new IsoMessage('0800').set(3, '000000').set(7, '0612143015').set(11, '000777').set(70, '301').set(128, hex('CAFEBABECAFEBABE')));
    const lower = cat(bytes.subarray(0, 4), ascii(bytes.toString('latin1', 4, 36).toLowerCase()), bytes.subarray(36));
    expect(lower.toString('latin1', 4, 36)).toMatch(/[a-f]/);
    expect(A.unpack(lower)).toEqual(A.unpack(bytes));
  });

  it('places the tertiary bitmap where DE 65 would be when a field above 128 is present', () => {
    const msg = new IsoMessage('1804').set(3, '000000').set(70, '301').set(130, 'PRIVATE');
    const bytes = TERTIARY.pack(msg);
    const expected = ['1804', 'A000000000000000', '8400000000000000', '000000', '4000000000000000', '301', '07PRIVATE'].join('');
    expect(bytes.toString('latin1')).toBe(expected);
    expect(TERTIARY.unpack(bytes).fields()).toEqual([3, 70, 130]);
    expect(TERTIARY.unpack(bytes).get(130)).toBe('PRIVATE');
  });

  it('emits no tertiary bitmap when the tertiary spec carries no field above 128', () => {
    const bytes = TERTIARY.pack(new IsoMessage('1804').set(3, '000000').set(70, '301'));
    expect(bytes.toString('latin1')).toBe(['1804', 'A000000000000000', '0400000000000000', '000000', '301'].join(''));
  });

  it('issue #13: reads an all-zero hex secondary bitmap as none when a request comes from the npm iso_8583 package', () => {
    // As that package sends it: bit 1 always set, then a secondary bitmap of sixteen '0'.
    const bytes = ascii(['0800', 'A220000000000000', '0000000000000000', '000000', '0612143015', '000777'].join(''));
    const msg = A.unpack(bytes);
    expect([msg.mti, msg.fields(), msg.get(3), msg.get(7), msg.get(11)]).toEqual(['0800', [3, 7, 11], '000000', '0612143015', '000777']);
    expect(A.pack(msg).toString('latin1')).toBe(['0800', '2220000000000000', '000000', '0612143015', '000777'].join(''));
  });

  it('issue #13: reads an all-zero binary secondary bitmap as none and packs the message back without it', () => {
    const bytes = hex('0800 8220000000000000 0000000000000000 0612143015 000777');
    const msg = B.unpack(bytes);
    expect([msg.fields(), msg.get(7), msg.get(11)]).toEqual([[7, 11], '0612143015', '000777']);
    expect(hexOf(B.pack(msg))).toBe('0800' + '0220000000000000' + '0612143015' + '000777');
  });

  it('reads an all-zero tertiary bitmap as none when bit 65 announces it', () => {
    const bytes = ascii(['1804', 'A000000000000000', '8400000000000000', '000000', '0000000000000000', '301'].join(''));
    const msg = TERTIARY.unpack(bytes);
    expect([msg.fields(), msg.get(70)]).toEqual([[3, 70], '301']);
    expect(TERTIARY.pack(msg).toString('latin1')).toBe(['1804', 'A000000000000000', '0400000000000000', '000000', '301'].join(''));
  });

  it('reads bit 65 as DE 65 when the spec has no tertiary bitmap', () => {
    const bytes = A.pack(new IsoMessage('0800').set(65, hex('01')));
    expect(bytes.toString('latin1')).toBe(['0800', '8000000000000000', '8000000000000000', '01'].join(''));
    expect(hexOf(A.unpack(bytes).get(65) as Buffer)).toBe('01');
  });

  it('decodes a message with no fields when the primary bitmap is all zero', () => {
    const msg = B.unpack(hex('0800 0000000000000000'));
    expect([msg.mti, msg.fields()]).toEqual(['0800', []]);
  });
});
