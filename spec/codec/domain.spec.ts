import { describe, expect, it } from 'vitest';
import { currencyExponent, yymmUtc } from '../../src/codec/index.js';

describe('currencyExponent', () => {
  it.each([['840', 2], ['978', 2], ['392', 0], ['152', 0], ['048', 3], ['788', 3]])('gives %s %i digits after the point', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });
});

describe('yymmUtc', () => {
  it('gives the UTC month, not the local one, at a month boundary', () => {
    expect(yymmUtc(Date.UTC(2026, 11, 31, 23, 59, 59))).toBe('2612');
    expect(yymmUtc(Date.UTC(2027, 0, 1, 0, 0, 0))).toBe('2701');
  });
});
