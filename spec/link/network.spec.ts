import { describe, expect, it } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { isNetworkAccepted, networkRequest, networkResponse } from '../../src/link/index.js';

const AT = new Date(Date.UTC(2025, 5, 12, 14, 30, 15));

describe('network messages', () => {
  it('builds an 0800 with DE 7, 11 and 70 when signing on, off or testing the link (1987)', () => {
    const m = networkRequest('signOn', '000123', AT);
    expect([m.mti, m.get(7), m.get(11), m.get(70), m.get(24)]).toEqual(['0800', '0612143015', '000123', '001', undefined]);
    expect(networkRequest('signOff', '000124', AT).get(70)).toBe('002');
    expect(networkRequest('echo', '000125', AT).get(70)).toBe('301');
  });

  it('builds an 1804 with DE 24 function codes 801, 802 and 831 in 1993', () => {
    const m = networkRequest('signOn', '000123', AT, 1993);
    expect([m.mti, m.get(7), m.get(11), m.get(24), m.get(70)]).toEqual(['1804', '0612143015', '000123', '801', undefined]);
    expect(networkRequest('signOff', '000124', AT, 1993).get(24)).toBe('802');
    expect(networkRequest('echo', '000125', AT, 1993).get(24)).toBe('831');
  });

  it('accepts DE 39 00 in 1987 and action code 800 in 1993, nothing else', () => {
    expect(isNetworkAccepted(new IsoMessage('0810').set(39, '00'))).toBe(true);
    expect(isNetworkAccepted(new IsoMessage('0810').set(39, '91'))).toBe(false);
    expect(isNetworkAccepted(new IsoMessage('1814').set(39, '800'), 1993)).toBe(true);
    expect(isNetworkAccepted(new IsoMessage('1814').set(39, '00'), 1993)).toBe(false);
  });

  it('answers an 0800 from the peer with 0810, echoed fields and DE 39 = 00; nothing else', () => {
    const res = networkResponse(new IsoMessage('0800').set(7, '0612143015').set(11, '000001').set(70, '301'))!;
    expect([res.mti, res.get(7), res.get(11), res.get(70), res.get(39)]).toEqual(['0810', '0612143015', '000001', '301', '00']);
    expect(networkResponse(new IsoMessage('0100').set(11, '000001'))).toBeNull();
  });

  it('answers an 1804 from the peer with 1814, DE 24 echoed and action code 800', () => {
    const res = networkResponse(new IsoMessage('1804').set(7, '0612143015').set(11, '000001').set(24, '831'))!;
    expect([res.mti, res.get(11), res.get(24), res.get(39)]).toEqual(['1814', '000001', '831', '800']);
  });
});
