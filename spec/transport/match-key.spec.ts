import { describe, expect, it } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { defaultKeyOf, missingFields, networkRequest, networkResponse, StanCounter, transmissionTime } from '../../src/transport/index.js';

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

describe('network messages', () => {
  it('builds an 0800 with DE 7, 11 and 70 when signing on', () => {
    const m = networkRequest('001', '000123', new Date(Date.UTC(2025, 5, 12, 14, 30, 15)));
    expect([m.mti, m.get(7), m.get(11), m.get(70)]).toEqual(['0800', '0612143015', '000123', '001']);
  });

  it('answers an 0800 from the peer with 0810, echoed fields and DE 39 = 00; nothing else', () => {
    const res = networkResponse(new IsoMessage('0800').set(7, '0612143015').set(11, '000001').set(70, '301'))!;
    expect([res.mti, res.get(7), res.get(11), res.get(70), res.get(39)]).toEqual(['0810', '0612143015', '000001', '301', '00']);
    expect(networkResponse(new IsoMessage('0100').set(11, '000001'))).toBeNull();
  });

  it('writes DE 7 as MMDDhhmmss in UTC', () => {
    expect(transmissionTime(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)))).toBe('0102030405');
  });
});

describe('StanCounter', () => {
  it('wraps from 999999 to 000001 (never 000000)', () => {
    const c = new StanCounter(999_998);
    expect([c.next(), c.next(), c.next()]).toEqual(['999998', '999999', '000001']);
  });
});
