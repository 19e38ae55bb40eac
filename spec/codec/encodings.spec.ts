// Field bodies through the public API: small specs put one field in each wire form, and each row pins
// the field's bytes after the MTI and bitmap, and what decoding those bytes gives back.

import { describe, expect, it } from 'vitest';
import { IsoMessage, builtinCodec, type Codec, type FieldValue, type SpecFile } from '../../src/codec/index.js';
import { ascii, codecFor, hex, hexOf } from '../helpers/bytes.js';

const A = builtinCodec('iso87ascii');
const B = builtinCodec('iso87binary');
const P = builtinCodec('iso87pos');
const AMEX = '378282246310005';
const VISA = '4111111111111111';
const TRACK2 = '4111111111111111=2812201100012345';

const binaryWith = (fields: SpecFile['fields']): Codec => codecFor({ extends: 'iso87binary', fields });
const asciiWith = (fields: SpecFile['fields']): Codec => codecFor({ extends: 'iso87ascii', fields });

/** The bytes of field `de` alone in a packed 0100 (everything after the MTI and primary bitmap). */
function wireOf(codec: Codec, de: number, value: FieldValue): Buffer {
  const head = (codec.mtiEncoding === 'bcd' ? 2 : 4) + (codec.isHexBitmap ? 16 : 8);
  return codec.pack(new IsoMessage('0100').set(de, value)).subarray(head);
}

type Row = [what: string, codec: Codec, de: number, value: FieldValue, wire: string, decoded?: FieldValue];

describe('field bodies', () => {
  it.each<Row>([
    ['an odd fixed BCD n is left-padded with 0', B, 22, '051', '0051'],
    ['an odd fixed BCD n is right-padded when the spec says pad right', binaryWith({ 22: { pad: 'right' } }), 22, '051', '0510'],
    ['an odd variable BCD n is right-padded with 0 (jPOS IFB_LLNUM)', B, 2, AMEX, '15 378282246310 0050'],
    ['an odd variable BCD n is padded F when padNibble is F', binaryWith({ 2: { padNibble: 'F' } }), 2, AMEX, '15 378282246310 005F'],
    ['an odd variable BCD n is left-padded when the spec says pad left', binaryWith({ 2: { pad: 'left' } }), 2, AMEX, '15 0378282246310005'],
    ['an even variable BCD n takes no pad', B, 2, VISA, '16 4111111111111111'],
    ['BCD z writes = as nibble D and pads F in iso87pos', P, 35, TRACK2, '33 4111111111111111 D2812201100012345F'],
    ['BCD z pads 0 in iso87binary', B, 35, TRACK2, '33 4111111111111111 D28122011000123450'],
    ['ASCII z keeps = as 0x3D', A, 35, TRACK2, `3333 ${hexOf(ascii(TRACK2))}`],
    ['EBCDIC text uses code page 1047', asciiWith({ 41: { data: 'ebcdic' } }), 41, 'TERM 01/', 'E3C5D9D4 40 F0F1 61'],
    ['EBCDIC lowercase letters map to their own block', asciiWith({ 43: { data: 'ebcdic', length: 4 } }), 43, 'jPOS', '91D7D6E2'],
    ['EBCDIC digits are F0-F9', asciiWith({ 3: { data: 'ebcdic' } }), 3, '123456', 'F1F2F3F4F5F6'],
    ['an EBCDIC LL prefix precedes EBCDIC digits', asciiWith({ 32: { prefix: 'ebcdic.LL', data: 'ebcdic' } }), 32, '123456', 'F0F6 F1F2F3F4F5F6'],
    ['a hex b body is written in uppercase', A, 52, hex('0a1b2c3d4e5f6071'), ascii('0A1B2C3D4E5F6071').toString('hex')],
    ['a raw b body is written as is', B, 52, hex('0a1b2c3d4e5f6071'), '0A1B2C3D4E5F6071'],
    ['an ASCII x+n is the sign then digits', A, 28, 'D00000150', hexOf(ascii('D00000150'))],
    ['a BCD x+n is one sign byte then BCD (jPOS IFB_AMOUNT)', B, 28, 'C00000150', '43 00000150'],
    ['an EBCDIC x+n is C4 then F0-F9', asciiWith({ 28: { data: 'ebcdic' } }), 28, 'D00000150', 'C4 F0F0F0F0F0F1F5F0'],
    ['an odd BCD x+n is left-padded', binaryWith({ 28: { length: 7 } }), 28, 'C0000150', '43 00000150'],
    ['a hex b prefix counts bytes by default (jPOS IFA_LLLBINARY)', asciiWith({ 55: { class: 'b', data: 'hex' } }), 55, hex('ABCDEF'), hexOf(ascii('003ABCDEF'))],
    ['a hex b prefix counts characters when lengthCounts is wire', asciiWith({ 55: { class: 'b', data: 'hex', length: 255, lengthCounts: 'wire' } }), 55, hex('ABCDEF'), hexOf(ascii('006ABCDEF'))],
    ['a BCD prefix counts bytes for odd digits when lengthCounts is wire', binaryWith({ 2: { lengthCounts: 'wire', padNibble: 'F' } }), 2, AMEX, '08 378282246310005F'],
    ['a BCD prefix counts bytes for even digits when lengthCounts is wire', binaryWith({ 2: { lengthCounts: 'wire', padNibble: 'F' } }), 2, VISA, '08 4111111111111111'],
    ['a BCD x+n prefix counts bytes when lengthCounts is wire', binaryWith({ 28: { prefix: 'bcd.LL', lengthCounts: 'wire' } }), 28, 'D00000150', '05 44 00000150'],
    ['a short fixed ASCII n is zero-filled on the left', A, 4, '12500', hexOf(ascii('000000012500')), '000000012500'],
    ['a short fixed BCD n is zero-filled on the left', B, 4, '12500', '000000012500', '000000012500'],
    ['a short odd fixed BCD n is zero-filled after the pad', B, 22, '5', '0005', '005'],
    ['a short fixed ASCII x+n is zero-filled after its sign', A, 28, 'C150', hexOf(ascii('C00000150')), 'C00000150'],
    ['a short fixed text field is space-filled on the right', A, 41, 'TERM', hexOf(ascii('TERM    ')), 'TERM    '],
    ['a short fixed EBCDIC text field is filled with EBCDIC spaces', asciiWith({ 41: { data: 'ebcdic' } }), 41, 'AB', 'C1C2 404040404040', 'AB      '],
    ['an empty variable field is its prefix alone', A, 32, '', hexOf(ascii('00'))],
  ])('packs and unpacks when %s', (_what, codec, de, value, wire, decoded = value) => {
    const bytes = wireOf(codec, de, value);
    expect(hexOf(bytes)).toBe(wire.replace(/\s+/g, '').toUpperCase());
    const back = codec.unpack(codec.pack(new IsoMessage('0100').set(de, value))).get(de);
    expect(typeof back === 'string' ? back : hexOf(back!)).toBe(typeof decoded === 'string' ? decoded : hexOf(decoded));
  });

  it('accepts lowercase hex when a hex b field is decoded', () => {
    const upper = A.pack(new IsoMessage('0100').set(52, hex('0A1B2C3D4E5F6071')));
    const lower = Buffer.from(upper.toString('latin1').replace('0A1B2C3D4E5F6071', '0a1b2c3d4e5f6071'), 'latin1');
    expect(lower.equals(upper)).toBe(false);
    expect(hexOf(A.unpack(lower).get(52) as Buffer)).toBe('0A1B2C3D4E5F6071');
  });

  it('decodes a raw b field as a view of the frame when unpacked', () => {
    const frame = B.pack(new IsoMessage('0100').set(52, hex('0A1B2C3D4E5F6071')));
    const value = B.unpack(frame).get(52) as Buffer;
    frame[10] = 0xff;
    expect(value[0]).toBe(0xff);
  });

  it('keeps a decoded value after detach() when the frame is reused', () => {
    const frame = B.pack(new IsoMessage('0100').set(52, hex('0A1B2C3D4E5F6071')));
    const kept = B.unpack(frame).detach();
    frame.fill(0);
    expect(hexOf(kept.get(52) as Buffer)).toBe('0A1B2C3D4E5F6071');
  });

  it('decodes BCD nibble D as = only when the field is z', () => {
    const asN = binaryWith({ 35: { class: 'n' } });
    const bytes = B.pack(new IsoMessage('0100').set(35, TRACK2));
    expect(B.unpack(bytes).get(35)).toBe(TRACK2);
    expect(() => asN.unpack(bytes)).toThrow(expect.objectContaining({ code: 'CODEC_BAD_BCD', field: 35 }));
  });
});
