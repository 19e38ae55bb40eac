// JSON form of a message both ways: masked by default, clear with reveal, b fields as hex, DE 55
// accepted as a list of {tag, value} (with children for constructed tags).

import { describe, expect, it } from 'vitest';
import { EncodeError, IsoMessage, builtinCodec, fromJson, toJson } from '../../src/codec/index.js';
import { hex, hexOf, thrown } from '../helpers/bytes.js';

const P = builtinCodec('iso87pos');
const A = builtinCodec('iso87ascii');
const TRACK2 = '4111111111111111=2812201100012345';
const ICC = '9F2701809F360200275A084111111111111111';

function posMessage(): IsoMessage {
  const msg = new IsoMessage('0100').set(2, '378282246310005').set(3, '000000').set(14, '2812').set(35, TRACK2)
    .set(52, hex('7A3F9C21D04B6E18')).set(55, hex(ICC));
  msg.header = hex('6000120000');
  return msg;
}

describe('toJson', () => {
  it('masks the PAN and redacts expiry, track 2, PIN block and DE 55 when not revealing', () => {
    expect(toJson(P, posMessage())).toEqual({
      header: '6000120000',
      mti: '0100',
      fields: { 2: '37828******0005', 3: '000000', 14: '***', 35: '***', 52: '***', 55: '***' },
    });
  });

  it('shows every value, b fields as uppercase hex, when reveal is set', () => {
    expect(toJson(P, posMessage(), { reveal: true }).fields).toEqual({
      2: '378282246310005', 3: '000000', 14: '2812', 35: TRACK2, 52: '7A3F9C21D04B6E18', 55: ICC,
    });
  });

  it('leaves out the header when the message has none', () => {
    expect(toJson(A, new IsoMessage('0800').set(70, '301'))).toEqual({ mti: '0800', fields: { 70: '301' } });
  });
});

describe('fromJson', () => {
  it('packs to the same bytes when a revealed JSON form goes through text and back', () => {
    const original = posMessage();
    const json = JSON.parse(JSON.stringify(toJson(P, original, { reveal: true })));
    const back = fromJson(P, json);
    expect(hexOf(back.header!)).toBe('6000120000');
    expect(hexOf(P.pack(back))).toBe(hexOf(P.pack(original)));
  });

  it('encodes DE 55 from a list of {tag, value} in the order given', () => {
    const msg = fromJson(P, { mti: '0100', fields: { 55: [{ tag: '9F27', value: '80' }, { tag: '9F36', value: '0027' }, { tag: '5A', value: '4111111111111111' }] } });
    expect(hexOf(msg.get(55) as Buffer)).toBe(ICC);
  });

  it('encodes constructed DE 55 entries from their children', () => {
    const msg = fromJson(P, { mti: '0110', fields: { 55: [{ tag: '71', children: [{ tag: '9F18', value: '01020304' }, { tag: '86', value: '' }] }, { tag: '91', value: '0102' }] } });
    expect(hexOf(msg.get(55) as Buffer)).toBe('71099F1804010203048600 91020102'.replaceAll(' ', ''));
  });

  it('issue #13: encodes DE 55 from a list of tags as hex-ASCII text when the spec carries it as text (iso87ascii)', () => {
    const tags = [{ tag: '9F27', value: '80' }, { tag: '9F36', value: '0027' }, { tag: '5A', value: '4111111111111111' }];
    const msg = fromJson(A, { mti: '0100', fields: { 55: tags } });
    expect(msg.get(55)).toBe(ICC);
    expect(A.pack(msg).toString('latin1')).toBe(`0100${'0000000000000200'}038${ICC}`);
  });

  it('encodes DE 55 from a list of tags as bytes when the ASCII spec carries it as hex binary (iso93ascii)', () => {
    const msg = fromJson(builtinCodec('iso93ascii'), { mti: '1100', fields: { 55: [{ tag: '9F27', value: '80' }] } });
    expect(hexOf(msg.get(55) as Buffer)).toBe('9F270180');
  });

  it('refuses a list of tags with CODEC_BAD_JSON when the field is text and not DE 55', () => {
    const err = thrown(() => fromJson(A, { mti: '0100', fields: { 48: [{ tag: '9F27', value: '80' }] } })) as EncodeError;
    expect([err.constructor, err.code, err.field, err.message]).toEqual([EncodeError, 'CODEC_BAD_JSON', 48, 'field 48: a list of tags is taken by DE 55 and binary fields only (byte 0)']);
  });

  it('accepts lowercase hex when reading b fields and tags', () => {
    const msg = fromJson(P, { mti: '0100', fields: { 52: '7a3f9c21d04b6e18', 55: [{ tag: '9f27', value: 'a0' }] } });
    expect([hexOf(msg.get(52) as Buffer), hexOf(msg.get(55) as Buffer)]).toEqual(['7A3F9C21D04B6E18', '9F2701A0']);
  });

  it('keeps text values as given and leaves their checks to pack', () => {
    const msg = fromJson(A, { mti: '0100', fields: { 3: '00A000' } });
    expect(msg.get(3)).toBe('00A000');
    const err = thrown(() => A.pack(msg)) as EncodeError;
    expect([err.constructor, err.code, err.field]).toEqual([EncodeError, 'CODEC_BAD_DIGIT', 3]);
  });
});
