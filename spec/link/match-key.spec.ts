import { describe, expect, it } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { defaultKeyOf, missingFields } from '../../src/link/index.js';

describe('defaultKeyOf', () => {
  it('gives a request and its response the same key when the MTI class, DE 41 and DE 11 match', () => {
    const req = new IsoMessage('0100').set(41, 'TERM0001').set(11, '000042');
    const res = new IsoMessage('0110').set(41, 'TERM0001').set(11, '000042').set(39, '00');
    expect(defaultKeyOf(req)).toBe(defaultKeyOf(res));
    expect(defaultKeyOf(req)).toBe('1TERM0001|000042');
  });

  it.each([
    ['another MTI class', new IsoMessage('0200').set(41, 'TERM0001').set(11, '000042')],
    ['another terminal', new IsoMessage('0100').set(41, 'TERM0002').set(11, '000042')],
    ['another STAN', new IsoMessage('0100').set(41, 'TERM0001').set(11, '000043')],
  ])('gives a different key when the message has %s', (_, msg) => {
    expect(defaultKeyOf(msg)).not.toBe('1TERM0001|000042');
  });

  it('keys on the STAN alone when DE 41 is absent (network management)', () => {
    expect(defaultKeyOf(new IsoMessage('0800').set(11, '000001'))).toBe('8|000001');
  });

  it('returns null when DE 11 is absent', () => {
    expect(defaultKeyOf(new IsoMessage('0110').set(41, 'TERM0001'))).toBeNull();
    expect(missingFields(new IsoMessage('0110'), [41, 11])).toEqual([41, 11]);
  });
});
