// Masking from each field's `sensitive` treatment: PANs keep at most 6 + 4 and hide at least 6, redacted values become ***,
// `never` fields (tracks, PIN blocks) leave the safe field map entirely.

import { describe, expect, it } from 'vitest';
import { IsoMessage, REDACTED, builtinCodec, maskPan, safeFieldMap, safeText, valueText } from '../../src/codec/index.js';
import { hex } from '../helpers/bytes.js';

const P = builtinCodec('iso87pos');
const A = builtinCodec('iso87ascii');
const TRACK2 = '4111111111111111=2812201100012345';

describe('maskPan', () => {
  it.each([
    ['4111111111111111', '411111******1111'],
    ['5555555555554444', '555555******4444'],
    ['378282246310005', '37828******0005'],
    ['36227206271667', '3622******1667'],
    ['1234567890123456789', '123456*********6789'],
    ['1234567890123456', '123456******3456'],
    ['123456789012', '12******9012'],
    ['12345678901', '1******8901'],
    ['1234567890', '******7890'],
    ['12345678', '******78'],
    ['1234567', '******7'],
    ['123456', '******'],
    ['123', '***'],
    ['', ''],
  ])('keeps at most the first 6 and last 4 and hides at least 6 when masking %j', (pan, masked) => {
    expect(maskPan(pan)).toBe(masked);
  });

  it('issue #13: hides 6 digits of the 11-digit PAN 41111177774, so its Luhn digit cannot give one back', () => {
    expect(maskPan('41111177774')).toBe('4******7774');
  });
});

describe('safeText', () => {
  it.each([
    [2, '4111111111111111', '411111******1111'],
    [34, '5555555555554444', '555555******4444'],
    [102, '378282246310005', '37828******0005'],
    [14, '2812', REDACTED],
    [35, TRACK2, REDACTED],
    [53, '1234567890123456', REDACTED],
    [3, '000000', '000000'],
    [41, 'TERM0001', 'TERM0001'],
  ])('shows field %i as its treatment says when the value is %j', (de, value, shown) => {
    expect(safeText(A, de, value)).toBe(shown);
  });

  it('redacts binary values whole when the field is redacted or never', () => {
    expect(safeText(P, 55, hex('9F270180'))).toBe('***');
    expect(safeText(P, 52, hex('7A3F9C21D04B6E18'))).toBe('***');
  });

  it('shows binary values as uppercase hex when the field is not sensitive', () => {
    expect(safeText(P, 64, hex('cafebabecafebabe'))).toBe('CAFEBABECAFEBABE');
    expect(valueText(hex('0a0b'))).toBe('0A0B');
  });
});

describe('safeFieldMap', () => {
  const msg = new IsoMessage('0100').set(2, '4111111111111111').set(3, '000000').set(14, '2812').set(35, TRACK2)
    .set(41, 'TERM0001').set(52, hex('7A3F9C21D04B6E18')).set(55, hex('9F27018082023900'));

  it('masks, redacts and leaves out fields by treatment when a POS message is mapped', () => {
    expect(safeFieldMap(P, msg)).toEqual({ 2: '411111******1111', 3: '000000', 14: '***', 41: 'TERM0001', 55: '***' });
  });

  it('holds no card number, track, expiry or PIN block when serialized', () => {
    const text = JSON.stringify(safeFieldMap(P, msg));
    for (const secret of ['4111111111111111', '2812201100012345', '2812', '7A3F9C21D04B6E18', '9F2701']) expect(text).not.toContain(secret);
  });
});
