// BER-TLV (DE 55): tags of any width, long-form lengths, constructed tags, unknown tags in order,
// exact round trips, and errors that name the field and the absolute byte.

import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError, IsoMessage, decodeTlv, encodeTlv, type TlvNode } from '../../src/codec/index.js';
import { ascii, codecFor, hex, hexOf, thrown } from '../helpers/bytes.js';

// Primer section 9: the 87 bytes of DE 55 in worked example 4b.
const PRIMER_DE55 = hex(`9F2608 8E1F5B4C3D2A1907  9F2701 80  9F1007 06010A03A00000  9F3704 9BADBCAB  9F3602 0027
  9505 0000008000  9A03 250612  9C01 00  9F0206 000000012500  5F2A02 0840  8202 3900  9F1A02 0840
  9F3303 E0F0C8  9F3403 420300`);

/** Tags and hex values, with children broken down, for compact expectations. */
function shape(nodes: TlvNode[]): unknown[] {
  return nodes.map((n) => (n.children === undefined ? [n.tag, hexOf(n.value)] : [n.tag, shape(n.children)]));
}

describe('decodeTlv', () => {
  it('breaks down the primer example into its 14 tags in order', () => {
    expect(PRIMER_DE55.length).toBe(87);
    expect(shape(decodeTlv(PRIMER_DE55))).toEqual([
      ['9F26', '8E1F5B4C3D2A1907'], ['9F27', '80'], ['9F10', '06010A03A00000'], ['9F37', '9BADBCAB'],
      ['9F36', '0027'], ['95', '0000008000'], ['9A', '250612'], ['9C', '00'], ['9F02', '000000012500'],
      ['5F2A', '0840'], ['82', '3900'], ['9F1A', '0840'], ['9F33', 'E0F0C8'], ['9F34', '420300'],
    ]);
  });

  it('reads tags of one, two and three bytes when continuation bits say so', () => {
    expect(shape(decodeTlv(hex('5A 01 11  DF7F 01 22  9F8101 01 33')))).toEqual([['5A', '11'], ['DF7F', '22'], ['9F8101', '33']]);
  });

  it.each([
    ['81 80', 128],
    ['81 C8', 200],
    ['82 012C', 300],
    ['7F', 127],
  ])('reads a length written %s as %i bytes', (lengthHex, length) => {
    const nodes = decodeTlv(Buffer.concat([hex(`DF01 ${lengthHex}`), Buffer.alloc(length, 0x5a)]));
    expect([nodes.length, nodes[0].tag, nodes[0].value.length]).toEqual([1, 'DF01', length]);
  });

  it('breaks down a constructed tag into children when bit 6 of its first byte is set', () => {
    const nodes = decodeTlv(hex('E1 0B 77 09 9F2701 80 9F3602 0027  8A02 3030'));
    expect(shape(nodes)).toEqual([['E1', [['77', [['9F27', '80'], ['9F36', '0027']]]]], ['8A', '3030']]);
    expect(hexOf(nodes[0].value)).toBe('77099F2701809F36020027');
  });

  it('keeps unknown and private tags in their order when mixed with known ones', () => {
    expect(decodeTlv(hex('C1 01 FF  9F27 01 80  DF7F 00  01 01 AA')).map((n) => n.tag)).toEqual(['C1', '9F27', 'DF7F', '01']);
  });

  it('returns no nodes when the data is empty', () => {
    expect(decodeTlv(Buffer.alloc(0))).toEqual([]);
  });

  it('returns values as views of the input when decoding', () => {
    const data = hex('9F2701 80');
    const [node] = decodeTlv(data);
    data[3] = 0x40;
    expect(hexOf(node.value)).toBe('40');
  });

  it.each<[string, number, string, number, string]>([
    ['a multi-byte tag is cut after its first byte', 0, '9F', 100, 'tag is truncated'],
    ['a tag continues past the end', 0, '9F81', 100, 'tag is truncated'],
    ['the length is missing', 0, '9F26', 100, 'length is missing'],
    ['a value is cut short', 0, '9F2608 0011', 103, 'value needs 8 bytes but 2 remain'],
    ['a long-form length is cut after 81', 0, '9F2681', 102, 'length is truncated'],
    ['a long-form length is cut inside 82', 0, '9F268201', 102, 'length is truncated'],
    ['the length is indefinite (80)', 0, '9F2680 0000', 102, 'indefinite length is not allowed'],
    ['a length takes four bytes', 0, '9F2684 00000001 00', 102, 'length of 4 bytes is too large'],
    ['a child runs past its constructed parent', 0, '77 03 9F2605', 105, 'value needs 5 bytes but 0 remain'],
    ['the second object is cut short', 0, '9F2701 80 9F3602 00', 107, 'value needs 2 bytes but 1 remain'],
    ['the data starts after two other bytes', 2, 'FFFF 9F2602 00', 105, 'value needs 2 bytes but 1 remain'],
  ])('throws CODEC_BAD_TLV at the absolute byte when %s', (_what, start, data, offset, detail) => {
    const err = thrown(() => decodeTlv(hex(data), start, hex(data).length, 55, 100)) as DecodeError;
    expect(err).toBeInstanceOf(DecodeError);
    expect([err.code, err.field, err.offset, err.message]).toEqual(['CODEC_BAD_TLV', 55, offset, `field 55: ${detail} (byte ${offset})`]);
  });
});

describe('encodeTlv', () => {
  it('reproduces the primer example byte for byte when its nodes are encoded again', () => {
    expect(hexOf(encodeTlv(decodeTlv(PRIMER_DE55)))).toBe(hexOf(PRIMER_DE55));
  });

  it('encodes a constructed node from its children when they are given', () => {
    const nodes: TlvNode[] = [{ tag: '77', value: Buffer.alloc(0), children: [{ tag: '9f27', value: hex('80') }, { tag: '9F36', value: hex('0027') }] }];
    expect(hexOf(encodeTlv(nodes))).toBe('77099F2701809F36020027');
  });

  it.each([
    [0, '00'],
    [127, '7F'],
    [128, '8180'],
    [255, '81FF'],
    [256, '820100'],
    [65535, '82FFFF'],
    [65536, '83010000'],
  ])('writes a %i-byte value with length bytes %s', (length, lengthHex) => {
    const out = encodeTlv([{ tag: 'DF01', value: Buffer.alloc(length, 0x5a) }]);
    expect(hexOf(out.subarray(2, 2 + lengthHex.length / 2))).toBe(lengthHex);
    expect(out.length).toBe(2 + lengthHex.length / 2 + length);
    expect(decodeTlv(out)[0].value.length).toBe(length);
  });

  it.each([
    ['XY', 'tag must be hex'],
    ['', 'tag must be hex'],
    ['9F', 'tag bytes do not follow BER continuation rules'],
    ['9F81', 'tag bytes do not follow BER continuation rules'],
    ['269F', 'tag bytes do not follow BER continuation rules'],
    ['9F0181', 'tag bytes do not follow BER continuation rules'],
  ])('throws CODEC_BAD_TLV naming the field when the tag is %j', (tag, detail) => {
    const err = thrown(() => encodeTlv([{ tag, value: hex('00') }], 63)) as EncodeError;
    expect(err).toBeInstanceOf(EncodeError);
    expect([err.code, err.field, err.offset, err.message]).toEqual(['CODEC_BAD_TLV', 63, 0, `field 63: ${detail} (byte 0)`]);
  });
});

describe('fields marked tlv', () => {
  const binary = codecFor({ extends: 'iso87binary', fields: { 55: { tlv: true } } });
  const hexAscii = codecFor({ extends: 'iso87ascii', fields: { 55: { class: 'b', data: 'hex', length: 255, tlv: true } } });
  // A 0100 with only DE 55 (bitmap bit 55), whose 4 bytes hold tag 9F27 with an indefinite length
  // (0x80): malformed BER-TLV. Written by hand, as pack refuses to produce it.
  const BAD_BINARY = hex('0100 0000000000000200 0004 9F278000');
  const BAD_HEX = ascii('0100 0000000000000200 004 9F278000'.replaceAll(' ', ''));

  it('rejects malformed TLV at the length byte when a raw binary DE 55 is unpacked', () => {
    const err = thrown(() => binary.unpack(BAD_BINARY)) as DecodeError;
    expect(err).toBeInstanceOf(DecodeError);
    expect([err.code, err.field, err.offset, err.message]).toEqual(['CODEC_BAD_TLV', 55, 14, 'field 55: indefinite length is not allowed (byte 14)']);
  });

  // The spec accepts tlv on a hex-ASCII b field (validateField only asks for class b), so the
  // promise of FieldSpec.tlv, "checked when decoding", must hold there too.
  it('rejects malformed TLV when a hex-ASCII DE 55 (jPOS IFA_LLLBINARY) is unpacked', () => {
    const err = thrown(() => hexAscii.unpack(BAD_HEX)) as DecodeError;
    expect(err).toBeInstanceOf(DecodeError);
    expect([err.code, err.field]).toEqual(['CODEC_BAD_TLV', 55]);
  });

  it('refuses to pack malformed TLV when DE 55 is marked tlv', () => {
    const err = thrown(() => binary.pack(new IsoMessage('0100').set(55, hex('9F278000')))) as EncodeError;
    expect(err).toBeInstanceOf(EncodeError);
    expect([err.code, err.field, err.offset, err.message]).toEqual(['CODEC_BAD_TLV', 55, 14, 'field 55: indefinite length is not allowed (byte 14)']);
  });
});
