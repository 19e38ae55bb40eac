import { describe, expect, it } from 'vitest';
import { builtinCodec } from '../../../src/codec/index.js';
import { ConfigError } from '../../../src/common/index.js';
import {
  amountMinorUnits, buildTerminalRequest, currencyExponent, originalDataElements, originalOf, type TerminalParams,
} from '../../../src/sim/index.js';
import { cardFor } from '../../helpers/test-cards.js';

const codec = builtinCodec('iso87ascii');
// 2026-06-12 14:30:15 UTC
const NOW = new Date(Date.UTC(2026, 5, 12, 14, 30, 15));
const two = (n: number): string => String(n).padStart(2, '0');

function params(overrides: Partial<TerminalParams> = {}): TerminalParams {
  return {
    pan: cardFor('00').pan, expiry: '2812', amount: '000000001250', currency: '840', terminalId: 'TERM0001',
    merchantId: 'MERCHANT0000001', acquirerId: '123456', stan: '000042', original: null, ...overrides,
  };
}

describe('amountMinorUnits', () => {
  it.each([
    ['12.50', '840', '000000001250'],
    ['12.5', '840', '000000001250'],
    ['12', '978', '000000001200'],
    ['0.01', '840', '000000000001'],
    ['1000', '392', '000000001000'],
    ['1.234', '414', '000000001234'],
  ])('gives DE 4 for %s in currency %s when the amount fits', (text, currency, de4) => {
    expect(amountMinorUnits(text, currency)).toBe(de4);
  });

  it.each([
    ['abc', '840', 'amount: expected a decimal amount such as 12.50 (got "abc")'],
    ['-1', '840', 'amount: expected a decimal amount such as 12.50 (got "-1")'],
    ['12.505', '840', 'amount: currency 840 has 2 decimal(s) (got "12.505")'],
    ['10.5', '392', 'amount: currency 392 has 0 decimal(s) (got "10.5")'],
    ['99999999999.00', '840', 'amount: more than 12 digits in minor units (got "99999999999.00")'],
    ['1', 'USD', 'currency: expected an ISO 4217 numeric code of 3 digits, e.g. 840 (got "USD")'],
  ])('throws ConfigError for %s in %s when the amount is invalid', (text, currency, message) => {
    const err = (() => {
      try {
        amountMinorUnits(text, currency);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', message });
  });

  it('uses exponent 0 for JPY and 2 for unlisted currencies when asked', () => {
    expect(currencyExponent('392')).toBe(0);
    expect(currencyExponent('840')).toBe(2);
  });
});

describe('buildTerminalRequest', () => {
  it('builds a 0100 with card, amount, times, ids and currency when asked for auth', () => {
    const msg = buildTerminalRequest('auth', params(), NOW, codec);
    expect(msg.mti).toBe('0100');
    expect(msg.fields()).toEqual([2, 3, 4, 7, 11, 12, 13, 14, 22, 25, 32, 41, 42, 49]);
    expect(msg.get(2)).toBe(cardFor('00').pan);
    expect(msg.get(3)).toBe('000000');
    expect(msg.get(4)).toBe('000000001250');
    expect(msg.get(7)).toBe('0612143015');
    expect(msg.get(11)).toBe('000042');
    expect(msg.get(12)).toBe(two(NOW.getHours()) + two(NOW.getMinutes()) + two(NOW.getSeconds()));
    expect(msg.get(13)).toBe(two(NOW.getMonth() + 1) + two(NOW.getDate()));
    expect([msg.get(14), msg.get(22), msg.get(25), msg.get(32), msg.get(41), msg.get(42), msg.get(49)])
      .toEqual(['2812', '012', '00', '123456', 'TERM0001', 'MERCHANT0000001', '840']);
    expect(() => codec.pack(msg)).not.toThrow();
  });

  it('builds a 0200 and pads short terminal and merchant ids when asked for purchase', () => {
    const msg = buildTerminalRequest('purchase', params({ terminalId: 'T1', merchantId: 'M1' }), NOW, codec);
    expect(msg.mti).toBe('0200');
    expect(msg.get(41)).toBe('T1      ');
    expect(msg.get(42)).toBe('M1'.padEnd(15, ' '));
    expect(() => codec.pack(msg)).not.toThrow();
  });

  it.each([
    ['echo', '301'],
    ['signon', '001'],
  ] as const)('builds an 0800 with DE 7, 11, 41 and 70 = %s when asked for %s', (action, code) => {
    const msg = buildTerminalRequest(action, params(), NOW, codec);
    expect(msg.mti).toBe('0800');
    expect(msg.fields()).toEqual([7, 11, 41, 70]);
    expect([msg.get(7), msg.get(11), msg.get(70)]).toEqual(['0612143015', '000042', code]);
  });

  it("issue #13: builds a 0400 with its own DE 7, the original's DE 4, 11, 49 and RRN, the caller's PAN and DE 90 when reversing a known original", () => {
    const original = { ...originalOf(buildTerminalRequest('auth', params({ stan: '000007', currency: '978' }), NOW, codec)), rrn: '612345000007' };
    const later = new Date(NOW.getTime() + 60_000);
    const msg = buildTerminalRequest('reverse', params({ stan: '000007', amount: '000000000999', original }), later, codec);
    expect(msg.mti).toBe('0400');
    expect(msg.get(2)).toBe(cardFor('00').pan);
    expect([msg.get(4), msg.get(7), msg.get(11), msg.get(32), msg.get(37), msg.get(49)]).toEqual(['000000001250', '0612143115', '000007', '123456', '612345000007', '978']);
    expect(msg.get(90)).toBe('0100' + '000007' + '0612143015' + '00000123456' + '00000000000');
    expect(() => codec.pack(msg)).not.toThrow();
  });

  it('builds a 0400 without DE 90 from its own STAN, time and amount when the original is unknown', () => {
    const msg = buildTerminalRequest('reverse', params({ stan: '000099' }), NOW, codec);
    expect([msg.has(37), msg.has(90)]).toEqual([false, false]);
    expect([msg.get(4), msg.get(7), msg.get(11)]).toEqual(['000000001250', '0612143015', '000099']);
  });
});

describe('originalDataElements', () => {
  it('lays out MTI, STAN, DE 7, acquirer and forwarder in 42 digits when given the primer example', () => {
    const de90 = originalDataElements({ mti: '0100', stan: '123456', transmission: '0612143015', amount: '000000001250', currency: '840', acquirer: '123456', rrn: null });
    expect(de90).toBe('0100123456061214301500000123456' + '00000000000');
    expect(de90).toHaveLength(42);
  });
});
