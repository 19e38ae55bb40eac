// Bad input, one table per kind: each row pins the error class, code, field, offset and exact text,
// and checks the text carries none of the message's contents. Decode rows mutate valid packed bytes.

import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError, IsoMessage, builtinCodec, fromJson, type Codec, type FieldRef, type FieldValue } from '../../src/codec/index.js';
import type { ErrorCode } from '../../src/common/index.js';
import { ascii, cat, codecFor, cut, hex, patch, thrown } from '../helpers/bytes.js';

const VISA = '4111111111111111';
const AMEX = '378282246310005';
const TRACK2 = '4111111111111111=2812201100012345';
const PIN_BLOCK = 'A1B2C3D4E5F60718';
/** Contents that must never reach error text. */
const SECRETS = [VISA, AMEX, '2812201100012345', 'TERM0001', PIN_BLOCK, '000000012500', '00000150', '12-34 56'];

const A = builtinCodec('iso87ascii');
const B = builtinCodec('iso87binary');
const P = builtinCodec('iso87pos');
// a, ns and EBCDIC fields do not occur in the built-ins, so small specs bring them in.
const CLASSES = codecFor({ extends: 'iso87ascii', fields: { 40: { class: 'a' }, 44: { class: 'ns' } } });
const EBCDIC = codecFor({ extends: 'iso87ascii', mti: { encoding: 'ebcdic' }, fields: { 2: { prefix: 'ebcdic.LL', data: 'ebcdic' }, 41: { data: 'ebcdic' } } });

function base(pan: string): IsoMessage {
  return new IsoMessage('0200').set(2, pan).set(3, '000000').set(4, '000000012500').set(28, 'D00000150')
    .set(35, TRACK2).set(39, 'Y1').set(41, 'TERM0001').set(52, hex(PIN_BLOCK)).set(70, '301');
}

// iso87ascii, 145 bytes: 0 MTI, 4 primary bitmap, 20 secondary, 36 DE2 LL "16", 38 PAN, 54 DE3,
// 60 DE4, 72 DE28 sign, 73 its digits, 81 DE35 LL "33", 83 track 2, 116 DE39, 118 DE41,
// 126 DE52 as 16 hex chars, 142 DE70.
const AM = A.pack(base(VISA));
// iso87binary, 79 bytes: 0 MTI, 2 primary, 10 secondary, 18 DE2 LL 0x15, 19 PAN in 8 BCD bytes
// (26: "50", right pad 0), 27 DE3, 30 DE4, 36 DE28 sign, 37 its BCD, 41 DE35 LL 0x33, 42 track 2
// (17 bytes, separator nibble D, 58: "50"), 59 DE39, 61 DE41, 69 DE52 raw, 77 DE70 "03 01".
const BM = B.pack(base(AMEX));
// iso87pos, 35 bytes: 0 MTI, 2 bitmap, 10 DE2 LL 0x15, 11 PAN (18: "5F", pad F), 19 DE3, 22 DE49
// "08 40", 24 DE55 LLL "00 09", 26 TLV: 26 tag 9F27, 28 length 01, 29 value, 30 tag 9F36, 32 length
// 02, 33 value "00 27".
const PM = P.pack(new IsoMessage('0100').set(2, AMEX).set(3, '000000').set(49, '840').set(55, hex('9F27 01 80 9F36 02 0027')));
// 33 bytes: 0 MTI, 4 bitmap, 20 DE40 (a 3), 23 DE44 LL "08", 25 its ns text.
const CM = CLASSES.pack(new IsoMessage('0200').set(40, 'ABC').set(44, '12-34 56'));
// 46 bytes: 0 MTI in EBCDIC, 4 hex bitmap, 20 DE2 LL "F1 F6", 22 PAN in EBCDIC, 38 DE41 in EBCDIC.
const EM = EBCDIC.pack(new IsoMessage('0200').set(2, VISA).set(41, 'TERM0001'));

function expectCodecError(fn: () => unknown, cls: typeof DecodeError | typeof EncodeError, want: { code: ErrorCode; field: FieldRef; offset: number; message: string }): void {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(cls);
  const e = err as DecodeError;
  expect({ code: e.code, field: e.field, offset: e.offset, message: e.message }).toEqual(want);
  for (const secret of SECRETS) expect(e.message).not.toContain(secret);
}

type DecodeRow = [what: string, codec: Codec, bytes: Buffer, field: FieldRef, offset: number, message: string];

function decodeTable(code: ErrorCode, rows: DecodeRow[]): void {
  it.each(rows)(`throws ${code} when %s`, (_what, codec, bytes, field, offset, message) => {
    expectCodecError(() => codec.unpack(bytes), DecodeError, { code, field, offset, message });
  });
}

describe('Codec.unpack', () => {
  it.each([['iso87ascii', A, AM], ['iso87binary', B, BM], ['iso87pos', P, PM], ['a/ns', CLASSES, CM], ['EBCDIC', EBCDIC, EM]] as const)('decodes and re-packs when the %s base message is intact', (_name, codec, bytes) => {
    expect(codec.pack(codec.unpack(bytes)).equals(bytes)).toBe(true);
  });

  it('reports absolute offsets when the message starts after a TPDU', () => {
    expectCodecError(() => B.unpack(cat(hex('6000120000'), patch(BM, 27, hex('0A'))), 5), DecodeError, {
      code: 'CODEC_BAD_BCD', field: 3, offset: 32, message: 'field 3: BCD nibble is not a digit (byte 32)',
    });
  });

  decodeTable('CODEC_TRUNCATED', [
    ['the ASCII MTI is cut short', A, cut(AM, 2), 'mti', 0, 'mti: mti needs 4 bytes but 2 remain (byte 0)'],
    ['the hex bitmap is cut short', A, cut(AM, 10), 'bitmap', 4, 'bitmap: bitmap needs 16 bytes but 6 remain (byte 4)'],
    ['the hex secondary bitmap is cut short', A, cut(AM, 30), 'bitmap', 20, 'bitmap: bitmap needs 16 bytes but 10 remain (byte 20)'],
    ['an ASCII length prefix is cut short', A, cut(AM, 37), 2, 36, 'field 2: length prefix needs 2 bytes but 1 remain (byte 36)'],
    ['variable ASCII data is cut short', A, cut(AM, 50), 2, 38, 'field 2: data needs 16 bytes but 12 remain (byte 38)'],
    ['fixed hex data is cut short', A, cut(AM, 140), 52, 126, 'field 52: data needs 16 bytes but 14 remain (byte 126)'],
    ['the last field is cut short', A, cut(AM, 144), 70, 142, 'field 70: data needs 3 bytes but 2 remain (byte 142)'],
    ['the buffer is empty', B, cut(BM, 0), 'mti', 0, 'mti: mti needs 2 bytes but 0 remain (byte 0)'],
    ['the BCD MTI is cut short', B, cut(BM, 1), 'mti', 0, 'mti: mti needs 2 bytes but 1 remain (byte 0)'],
    ['the binary bitmap is cut short', B, cut(BM, 6), 'bitmap', 2, 'bitmap: bitmap needs 8 bytes but 4 remain (byte 2)'],
    ['the binary secondary bitmap is cut short', B, cut(BM, 12), 'bitmap', 10, 'bitmap: bitmap needs 8 bytes but 2 remain (byte 10)'],
    ['a BCD length prefix is missing', B, cut(BM, 18), 2, 18, 'field 2: length prefix needs 1 bytes but 0 remain (byte 18)'],
    ['variable BCD data is cut short', B, cut(BM, 25), 2, 19, 'field 2: data needs 8 bytes but 6 remain (byte 19)'],
    ['an x+n amount is cut short', B, cut(BM, 39), 28, 36, 'field 28: data needs 5 bytes but 3 remain (byte 36)'],
    ['a two-byte BCD prefix is cut short', P, cut(PM, 25), 55, 24, 'field 55: length prefix needs 2 bytes but 1 remain (byte 24)'],
    ['TLV data is cut short', P, cut(PM, 30), 55, 26, 'field 55: data needs 9 bytes but 4 remain (byte 26)'],
  ]);

  decodeTable('CODEC_TRAILING_BYTES', [
    ['ASCII bytes follow the last field', A, cat(AM, ascii('00')), 'message', 145, 'message: 2 bytes after the last field (byte 145)'],
    ['a byte follows the last binary field', B, cat(BM, hex('00')), 'message', 79, 'message: 1 bytes after the last field (byte 79)'],
    ['a byte follows the TLV data', P, cat(PM, hex('9F')), 'message', 35, 'message: 1 bytes after the last field (byte 35)'],
  ]);

  decodeTable('CODEC_BAD_MTI', [
    ['the ASCII MTI holds a letter', A, patch(AM, 1, ascii('X')), 'mti', 0, 'mti: MTI is not four digits (byte 0)'],
    ['the BCD MTI holds a nibble above 9', B, patch(BM, 1, hex('0F')), 'mti', 0, 'mti: MTI is not four digits (byte 0)'],
    ['the EBCDIC MTI holds an ASCII digit', EBCDIC, patch(EM, 0, ascii('0')), 'mti', 0, 'mti: MTI is not four digits (byte 0)'],
  ]);

  decodeTable('CODEC_BAD_DIGIT', [
    ['a fixed n field holds a letter', A, patch(AM, 56, ascii('X')), 3, 56, 'field 3: non-digit in n field (byte 56)'],
    ['a variable n field holds a letter', A, patch(AM, 40, ascii('A')), 2, 40, 'field 2: non-digit in n field (byte 40)'],
    ['the last field holds a space', A, patch(AM, 144, ascii(' ')), 70, 144, 'field 70: non-digit in n field (byte 144)'],
    ['x+n digits hold a letter', A, patch(AM, 75, ascii('A')), 28, 75, 'field 28: non-digit in x+n field (byte 75)'],
    ['an EBCDIC n field holds a letter', EBCDIC, patch(EM, 23, hex('C1')), 2, 23, 'field 2: non-digit in n field (byte 23)'],
  ]);

  decodeTable('CODEC_BAD_CHAR', [
    ['an an field holds @', A, patch(AM, 116, ascii('@')), 39, 116, 'field 39: character outside class an (byte 116)'],
    ['an ans field holds DEL', A, patch(AM, 120, hex('7F')), 41, 120, 'field 41: character outside class ans (byte 120)'],
    ['an ASCII z field holds a letter', A, patch(AM, 90, ascii('A')), 35, 90, 'field 35: character outside class z (byte 90)'],
    ['an an field in a BCD spec holds #', B, patch(BM, 60, ascii('#')), 39, 60, 'field 39: character outside class an (byte 60)'],
    ['an ans field in a BCD spec holds NUL', B, patch(BM, 62, hex('00')), 41, 62, 'field 41: character outside class ans (byte 62)'],
    ['an a field holds a digit', CLASSES, patch(CM, 21, ascii('1')), 40, 21, 'field 40: character outside class a (byte 21)'],
    ['an ns field holds a letter', CLASSES, patch(CM, 27, ascii('X')), 44, 27, 'field 44: character outside class ns (byte 27)'],
    ['an EBCDIC ans field holds an unmapped byte', EBCDIC, patch(EM, 39, hex('00')), 41, 39, 'field 41: character outside class ans (byte 39)'],
  ]);

  decodeTable('CODEC_LENGTH_EXCEEDS_MAX', [
    ['an ASCII LL prefix says 21 for n..19', A, patch(AM, 36, ascii('21')), 2, 36, 'field 2: length 21 exceeds max 19 (byte 36)'],
    ['an ASCII LL prefix says 38 for z..37', A, patch(AM, 81, ascii('38')), 35, 81, 'field 35: length 38 exceeds max 37 (byte 81)'],
    ['a BCD LL prefix says 20 for n..19', B, patch(BM, 18, hex('20')), 2, 18, 'field 2: length 20 exceeds max 19 (byte 18)'],
    ['a BCD LL prefix says 99 for z..37', B, patch(BM, 41, hex('99')), 35, 41, 'field 35: length 99 exceeds max 37 (byte 41)'],
    ['a BCD LLL prefix says 1000', P, patch(PM, 24, hex('1000')), 55, 24, 'field 55: length 1000 exceeds max 999 (byte 24)'],
  ]);

  decodeTable('CODEC_BAD_LENGTH_PREFIX', [
    ['an ASCII prefix holds a letter', A, patch(AM, 36, ascii('1A')), 2, 36, 'field 2: length prefix holds a non-digit (byte 36)'],
    ['an ASCII prefix holds a space', A, patch(AM, 81, ascii(' 3')), 35, 81, 'field 35: length prefix holds a non-digit (byte 81)'],
    ['a BCD prefix holds low nibble A', B, patch(BM, 18, hex('1A')), 2, 18, 'field 2: length prefix holds a BCD nibble above 9 (byte 18)'],
    ['a BCD prefix holds high nibble A', B, patch(BM, 41, hex('A3')), 35, 41, 'field 35: length prefix holds a BCD nibble above 9 (byte 41)'],
    ['the second byte of a BCD LLL prefix holds F', P, patch(PM, 25, hex('0F')), 55, 24, 'field 55: length prefix holds a BCD nibble above 9 (byte 24)'],
    ['an EBCDIC prefix holds an ASCII digit', EBCDIC, patch(EM, 20, ascii('1')), 2, 20, 'field 2: length prefix holds a non-digit (byte 20)'],
  ]);

  decodeTable('CODEC_BAD_BCD', [
    ['a fixed BCD field holds nibble A', B, patch(BM, 27, hex('0A')), 3, 27, 'field 3: BCD nibble is not a digit (byte 27)'],
    ['a variable BCD field holds nibble B', B, patch(BM, 19, hex('3B')), 2, 19, 'field 2: BCD nibble is not a digit (byte 19)'],
    ['the digit beside a right pad is A', B, patch(BM, 26, hex('A0')), 2, 26, 'field 2: BCD nibble is not a digit (byte 26)'],
    ['the digit beside a left pad is A', B, patch(BM, 77, hex('0A')), 70, 77, 'field 70: BCD nibble is not a digit (byte 77)'],
    ['BCD track 2 holds nibble A (only D is allowed)', B, patch(BM, 42, hex('4A')), 35, 42, 'field 35: BCD nibble is not a digit (byte 42)'],
    ['BCD x+n digits hold nibble F', B, patch(BM, 37, hex('F0')), 28, 37, 'field 28: BCD nibble is not a digit (byte 37)'],
  ]);

  decodeTable('CODEC_BAD_PAD', [
    ['an odd PAN is padded F where the spec says 0', B, patch(BM, 26, hex('5F')), 2, 26, 'field 2: right pad nibble differs from the spec (byte 26)'],
    ['odd track 2 is padded F where the spec says 0', B, patch(BM, 58, hex('5F')), 35, 58, 'field 35: right pad nibble differs from the spec (byte 58)'],
    ['a fixed odd field is left-padded 1', B, patch(BM, 77, hex('13')), 70, 77, 'field 70: left pad nibble differs from the spec (byte 77)'],
    ['an odd PAN is padded 0 where the spec says F', P, patch(PM, 18, hex('50')), 2, 18, 'field 2: right pad nibble differs from the spec (byte 18)'],
  ]);

  const strictSigns = codecFor({ extends: 'iso87ascii', fields: { 28: { signs: 'CD' } } });
  decodeTable('CODEC_BAD_SIGN', [
    ['an ASCII amount is signed X', A, patch(AM, 72, ascii('X')), 28, 72, 'field 28: sign is not one of CD0 (byte 72)'],
    ['an ASCII amount is signed +', A, patch(AM, 72, ascii('+')), 28, 72, 'field 28: sign is not one of CD0 (byte 72)'],
    ['a BCD amount has sign byte X', B, patch(BM, 36, ascii('X')), 28, 36, 'field 28: sign is not one of CD0 (byte 36)'],
    ['the jPOS sign 0 reaches a link that allows C and D only', strictSigns, patch(AM, 72, ascii('0')), 28, 72, 'field 28: sign is not one of CD (byte 72)'],
  ]);

  decodeTable('CODEC_BAD_HEX', [
    ['a hex b field holds G', A, patch(AM, 130, ascii('G')), 52, 130, 'field 52: non-hex character in hex-ASCII binary field (byte 130)'],
    ['the last hex char of a b field is a space', A, patch(AM, 141, ascii(' ')), 52, 141, 'field 52: non-hex character in hex-ASCII binary field (byte 141)'],
  ]);

  decodeTable('CODEC_BAD_BITMAP', [
    ['the primary hex bitmap holds Z', A, patch(AM, 9, ascii('Z')), 'bitmap', 9, 'bitmap: non-hex character in hex-ASCII bitmap (byte 9)'],
    ['the secondary hex bitmap holds g', A, patch(AM, 35, ascii('g')), 'bitmap', 35, 'bitmap: non-hex character in hex-ASCII bitmap (byte 35)'],
  ]);

  decodeTable('CODEC_UNDEFINED_FIELD', [
    ['the primary bitmap announces a removed field', codecFor({ extends: 'iso87ascii', fields: { 39: null } }), AM, 39, 4, 'field 39: bitmap announces a field the spec does not define (byte 4)'],
    ['the secondary bitmap announces a removed field', codecFor({ extends: 'iso87ascii', fields: { 70: null } }), AM, 70, 20, 'field 70: bitmap announces a field the spec does not define (byte 20)'],
    ['a binary bitmap announces a removed field', codecFor({ extends: 'iso87binary', fields: { 52: null } }), BM, 52, 2, 'field 52: bitmap announces a field the spec does not define (byte 2)'],
  ]);

  decodeTable('CODEC_BAD_TLV', [
    ['a TLV length runs past the field', P, patch(PM, 32, hex('05')), 55, 33, 'field 55: value needs 5 bytes but 2 remain (byte 33)'],
    ['a TLV length is indefinite (0x80)', P, patch(PM, 28, hex('80')), 55, 28, 'field 55: indefinite length is not allowed (byte 28)'],
    ['a long-form TLV length runs past the field', P, patch(PM, 32, hex('82')), 55, 35, 'field 55: value needs 39 bytes but 0 remain (byte 35)'],
    ['a TLV length takes four bytes', P, patch(PM, 32, hex('84')), 55, 32, 'field 55: length of 4 bytes is too large (byte 32)'],
    ['the field ends inside a multi-byte tag', P, cat(cut(PM, 24), hex('0005 9F270180 9F')), 55, 30, 'field 55: tag is truncated (byte 30)'],
    ['the field ends after a tag', P, cat(cut(PM, 24), hex('0006 9F270180 9F36')), 55, 30, 'field 55: length is missing (byte 30)'],
  ]);
});

type EncodeRow = [what: string, codec: Codec, de: number, value: FieldValue, code: ErrorCode, offset: number, message: string];

describe('Codec.pack', () => {
  // One field after an ASCII MTI and hex bitmap starts at byte 20; after a BCD MTI and binary bitmap, at 10.
  it.each<EncodeRow>([
    ['b gets a string', A, 52, PIN_BLOCK, 'CODEC_BAD_VALUE', 20, 'field 52: value must be bytes (byte 20)'],
    ['n gets bytes', A, 2, hex('41111111'), 'CODEC_BAD_VALUE', 20, 'field 2: value must be a string (byte 20)'],
    ['x+n gets a sign alone', A, 28, 'D', 'CODEC_BAD_VALUE', 20, 'field 28: value must be a string of a sign and digits (byte 20)'],
    ['fixed b gets 7 bytes of 8', A, 52, hex('A1B2C3D4E5F607'), 'CODEC_BAD_LENGTH', 20, 'field 52: value length 7, field takes exactly 8 (byte 20)'],
    ['fixed binary b gets 9 bytes of 8', B, 52, hex('A1B2C3D4E5F6071899'), 'CODEC_BAD_LENGTH', 10, 'field 52: value length 9, field takes exactly 8 (byte 10)'],
    ['fixed n gets 7 digits of 6', A, 3, '0000001', 'CODEC_BAD_LENGTH', 20, 'field 3: value length 7, field takes exactly 6 (byte 20)'],
    ['fixed ans gets 9 chars of 8', B, 41, 'TERM00012', 'CODEC_BAD_LENGTH', 10, 'field 41: value length 9, field takes exactly 8 (byte 10)'],
    ['n..19 gets 20 digits', A, 2, `${VISA}1111`, 'CODEC_LENGTH_EXCEEDS_MAX', 20, 'field 2: length 20 exceeds max 19 (byte 20)'],
    ['z..37 gets 38 chars', B, 35, `${TRACK2}67890`, 'CODEC_LENGTH_EXCEEDS_MAX', 10, 'field 35: length 38 exceeds max 37 (byte 10)'],
    ['an ASCII n field holds a letter', A, 2, '411111111111111X', 'CODEC_BAD_DIGIT', 22, 'field 2: non-digit in n field (byte 22)'],
    ['a BCD n field holds a letter', B, 3, '00A000', 'CODEC_BAD_DIGIT', 10, 'field 3: non-digit in n field (byte 10)'],
    ['an an field holds @', A, 39, '0@', 'CODEC_BAD_CHAR', 20, 'field 39: character outside class an (byte 20)'],
    ['an ASCII z field holds D', A, 35, '4111111111111111D2812', 'CODEC_BAD_CHAR', 22, 'field 35: character outside class z (byte 22)'],
    ['an ans field holds a character beyond latin1', A, 41, 'TERM000\u20ac', 'CODEC_BAD_CHAR', 20, 'field 41: character outside class ans (byte 20)'],
    ['x+n digits hold a letter', A, 28, 'D0000015A', 'CODEC_BAD_DIGIT', 21, 'field 28: non-digit in x+n field (byte 21)'],
    ['an amount is signed X', A, 28, 'X00000150', 'CODEC_BAD_SIGN', 20, 'field 28: sign is not one of CD0 (byte 20)'],
    ['a field is removed from the spec', codecFor({ extends: 'iso87ascii', fields: { 39: null } }), 39, '00', 'CODEC_UNDEFINED_FIELD', 0, 'field 39: the spec does not define this field (byte 0)'],
    ['field 130 is set without a tertiary bitmap', A, 130, 'X', 'CODEC_UNDEFINED_FIELD', 0, 'field 130: the spec does not define this field (byte 0)'],
    ['field 200 is set', A, 200, 'X', 'CODEC_UNDEFINED_FIELD', 0, 'field 200: field numbers end at 192 (byte 0)'],
  ])('throws EncodeError when %s', (_what, codec, de, value, code, offset, message) => {
    expectCodecError(() => codec.pack(new IsoMessage('0200').set(de, value)), EncodeError, { code, field: de, offset, message });
  });

  it.each(['', '01A0', '010', '01000', '\u0660100'])('throws CODEC_MISSING_MTI when the MTI is %j', (mti) => {
    expectCodecError(() => A.pack(new IsoMessage(mti).set(3, '000000')), EncodeError, {
      code: 'CODEC_MISSING_MTI', field: 'mti', offset: 0, message: 'mti: MTI must be four digits (byte 0)',
    });
  });
});

const NO_39 = codecFor({ extends: 'iso87ascii', fields: { 39: null } });
const fieldsJson = (fields: unknown): unknown => ({ mti: '0100', fields });

describe('fromJson', () => {
  it.each<[string, Codec, unknown, ErrorCode, FieldRef, string]>([
    ['the JSON is null', A, null, 'CODEC_BAD_JSON', 'message', 'message: expected an object with "mti" and "fields" (byte 0)'],
    ['the JSON is a list', A, [], 'CODEC_BAD_JSON', 'message', 'message: expected an object with "mti" and "fields" (byte 0)'],
    ['"mti" is a number', A, { mti: 100, fields: {} }, 'CODEC_BAD_JSON', 'mti', 'mti: "mti" must be a string (byte 0)'],
    ['"fields" is missing', A, { mti: '0100' }, 'CODEC_BAD_JSON', 'message', 'message: "fields" must be an object keyed by field number (byte 0)'],
    ['"fields" is a list', A, fieldsJson([]), 'CODEC_BAD_JSON', 'message', 'message: "fields" must be an object keyed by field number (byte 0)'],
    ['a key is not a number', A, fieldsJson({ x: '1' }), 'CODEC_BAD_JSON', 'message', 'message: "x" is not a field number from 2 to 192 (byte 0)'],
    ['a key is field 1', A, fieldsJson({ 1: '1' }), 'CODEC_BAD_JSON', 'message', 'message: "1" is not a field number from 2 to 192 (byte 0)'],
    ['a text value is a number', A, fieldsJson({ 3: 3 }), 'CODEC_BAD_JSON', 3, 'field 3: values are strings (byte 0)'],
    ['a binary value is odd hex', A, fieldsJson({ 52: 'ABC' }), 'CODEC_BAD_JSON', 52, 'field 52: binary values are hex strings of whole bytes (byte 0)'],
    ['the header is not hex', A, { mti: '0100', header: 'XYZ', fields: {} }, 'CODEC_BAD_JSON', 'header', 'header: binary values are hex strings of whole bytes (byte 0)'],
    ['TLV data is an object', P, fieldsJson({ 55: { tag: '9F27' } }), 'CODEC_BAD_JSON', 55, 'field 55: binary values are hex strings of whole bytes (byte 0)'],
    ['a TLV entry is a number', P, fieldsJson({ 55: [5] }), 'CODEC_BAD_JSON', 55, 'field 55: each TLV entry is an object (byte 0)'],
    ['a TLV entry has no tag', P, fieldsJson({ 55: [{ value: '80' }] }), 'CODEC_BAD_JSON', 55, 'field 55: each TLV entry has a hex "tag" (byte 0)'],
    ['a TLV value is odd hex', P, fieldsJson({ 55: [{ tag: '9F27', value: '8' }] }), 'CODEC_BAD_JSON', 55, 'field 55: binary values are hex strings of whole bytes (byte 0)'],
    ['TLV children are not a list', P, fieldsJson({ 55: [{ tag: '70', children: 'x' }] }), 'CODEC_BAD_JSON', 55, 'field 55: TLV data is a list of {"tag", "value"} objects (byte 0)'],
    ['a TLV tag breaks BER rules', P, fieldsJson({ 55: [{ tag: '9F', value: '80' }] }), 'CODEC_BAD_TLV', 55, 'field 55: tag bytes do not follow BER continuation rules (byte 0)'],
    ['a field is not in the spec', NO_39, fieldsJson({ 39: '00' }), 'CODEC_UNDEFINED_FIELD', 39, 'field 39: the spec does not define this field (byte 0)'],
  ])('throws EncodeError when %s', (_what, codec, json, code, field, message) => {
    expectCodecError(() => fromJson(codec, json), EncodeError, { code, field, offset: 0, message });
  });
});
