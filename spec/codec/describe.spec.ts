// describe(): the masked multi-line dump. Pins the layout, what each treatment shows, the DE 55 tag
// list, and that reveal shows everything.

import { describe as group, expect, it } from 'vitest';
import { Codec, IsoMessage, builtinCodec, builtinSpec, describe, formatOf, type FieldSpec } from '../../src/codec/index.js';
import { hex } from '../helpers/bytes.js';

const P = builtinCodec('iso87pos');
const AMEX = '378282246310005';
const TRACK2 = '4111111111111111=2812201100012345';
const PIN_BLOCK = '7A3F9C21D04B6E18';
// 9F27 and 9F36 are safe to show; 5A is the application PAN and never is.
const ICC = '9F270180 9F36020027 5A084111111111111111'.replaceAll(' ', '');

function posMessage(): IsoMessage {
  const msg = new IsoMessage('0100').set(2, AMEX).set(3, '000000').set(14, '2812').set(35, TRACK2)
    .set(52, hex(PIN_BLOCK)).set(55, hex(ICC));
  msg.header = hex('6000120000');
  return msg;
}

/** iso87pos with DE 55 carrying no treatment, so its tags are listed even when not revealing. */
function posWithOpenIcc(): Codec {
  const spec = builtinSpec('iso87pos');
  const { sensitive: _dropped, ...open } = spec.fields[55];
  return new Codec({ ...spec, name: 'iso87pos-open-icc', fields: { ...spec.fields, 55: open as FieldSpec } });
}

group('describe', () => {
  it('masks the PAN, withholds track 2 and the PIN block, redacts DE 14 and lists DE 55 tags when not revealing', () => {
    expect(describe(P, posMessage())).toBe([
      'iso87pos  MTI 0100  authorization request (1987, acquirer)',
      '  header   6000120000',
      '  DE   2  n..19     Primary account number                 37828******0005',
      '  DE   3  n 6       Processing code                        000000',
      '  DE  14  n 4       Date, expiration                       [redacted, 4 digits]',
      '  DE  35  z..37     Track 2 data                           [withheld, 33 digits]',
      '  DE  52  b 8       PIN data                               [withheld, 8 bytes]',
      '  DE  55  b...999   ICC data                               [redacted, 19 bytes: 3 tags 9F27 9F36 5A]',
    ].join('\n'));
  });

  it('holds no card data when not revealing', () => {
    const text = describe(P, posMessage());
    for (const secret of [AMEX, '4111111111111111', '2812201100012345', '2812 ', PIN_BLOCK, '0180', '0027']) expect(text).not.toContain(secret);
  });

  it('shows every value and breaks DE 55 down by tag when reveal is set', () => {
    const lines = describe(P, posMessage(), { reveal: true }).split('\n');
    expect(lines.slice(2, 8).map((l) => l.slice(59))).toEqual([AMEX, '000000', '2812', TRACK2, PIN_BLOCK, ICC]);
    expect(lines.slice(8)).toEqual([
      '             9F27   Cryptogram information data        80',
      '             9F36   Application transaction counter    0027',
      '             5A     Application PAN                    4111111111111111',
    ]);
  });

  it('withholds card-data tags but shows the others when DE 55 has no treatment', () => {
    const lines = describe(posWithOpenIcc(), posMessage()).split('\n');
    expect(lines.slice(-4)).toEqual([
      `  DE  55  b...999   ICC data                               ${ICC}`,
      '             9F27   Cryptogram information data        80',
      '             9F36   Application transaction counter    0027',
      '             5A     Application PAN                    [withheld, 8 bytes]',
    ]);
  });

  it('issue #13: lists the tags of a text DE 55 holding hex-ASCII TLV when the spec is iso87ascii', () => {
    const A = builtinCodec('iso87ascii');
    const lines = describe(A, new IsoMessage('0100').set(55, ICC)).split('\n');
    expect(lines[1]).toBe('  DE  55  ans...999 ICC data                               [redacted, 38 chars: 3 tags 9F27 9F36 5A]');
    const revealed = describe(A, new IsoMessage('0100').set(55, ICC), { reveal: true }).split('\n');
    expect(revealed.slice(2)).toEqual([
      '             9F27   Cryptogram information data        80',
      '             9F36   Application transaction counter    0027',
      '             5A     Application PAN                    4111111111111111',
    ]);
  });

  it('names unknown tags and indents children when DE 55 holds constructed data', () => {
    const msg = new IsoMessage('0110').set(55, hex('DF7F0100 7106 9F1803 010203'));
    expect(describe(posWithOpenIcc(), msg).split('\n').slice(2)).toEqual([
      '             DF7F   unknown tag                        00',
      '             71     Issuer script template 1',
      '               9F18   unknown tag                        010203',
    ]);
  });

  it('issue #13: counts one tag, one byte and one digit in the singular', () => {
    const line = describe(P, new IsoMessage('0100').set(55, hex('5A0100'))).split('\n')[1];
    expect(line).toMatch(/\[redacted, 3 bytes: 1 tag 5A\]$/);
    expect(line).not.toMatch(/1 tags/);
  });

  it('lists no tags when a redacted DE 55 is not valid TLV', () => {
    expect(describe(P, new IsoMessage('0100').set(55, hex('9F2780'))).split('\n')[1]).toMatch(/\[redacted, 3 bytes\]$/);
  });

  it('marks a field the spec does not define when the message came from another spec', () => {
    const msg = new IsoMessage('0100').set(3, '000000');
    msg.set(130, 'X');
    expect(describe(P, msg).split('\n').slice(1)).toEqual([
      '  DE   3  n 6       Processing code                        000000',
      '  DE 130  (not in spec)',
    ]);
  });
});

group('formatOf', () => {
  it.each<[number, string]>([[2, 'n..19'], [3, 'n 6'], [28, 'x+n 8'], [35, 'z..37'], [41, 'ans 8'], [52, 'b 8'], [55, 'b...999'], [39, 'an 2']])(
    'writes field %i of iso87pos as %s', (de, format) => {
      expect(formatOf(builtinSpec('iso87pos').fields[de])).toBe(format);
    },
  );
});
