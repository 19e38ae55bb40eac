import { describe, expect, it } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { defaultKeyOf, keyOfFields, missingFields } from '../../src/link/index.js';

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

describe('keyOfFields', () => {
  const byAcquirer = keyOfFields([32, 11]);

  it('matches a request and its answer by MTI class and the fields named, in order', () => {
    const req = new IsoMessage('0200').set(32, '123456').set(11, '000042').set(41, 'TERM0001');
    const res = new IsoMessage('0210').set(32, '123456').set(11, '000042').set(41, 'OTHER001');
    expect(byAcquirer(req)).toBe(byAcquirer(res));
    expect(byAcquirer(req)).not.toBe(byAcquirer(new IsoMessage('0210').set(32, '654321').set(11, '000042')));
    expect(byAcquirer(req)).not.toBe(byAcquirer(new IsoMessage('0110').set(32, '123456').set(11, '000042')));
  });

  it('counts an absent field as empty, and gives no key without any of them', () => {
    expect(byAcquirer(new IsoMessage('0800').set(11, '000001'))).toBe('8||000001');
    expect(byAcquirer(new IsoMessage('0800').set(7, '1205120000'))).toBeNull();
  });

  it('is the default key for [41, 11]', () => {
    expect(keyOfFields([41, 11])).toBe(defaultKeyOf);
  });
});
