import { describe, expect, it } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { networkRequest, networkResponse } from '../../src/link/index.js';

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
});
