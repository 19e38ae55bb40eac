// RatioSampler and parseSampleRatio: deterministic sampling from the trace id's low 56 bits.

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/index.js';
import { IdSource, parseSampleRatio, RatioSampler } from '../../src/trace/index.js';

/** A trace id whose low 56 bits (the last 14 hex digits) are `low14`, behind arbitrary high digits. */
const idWithLow = (low14: string): string => `f00dfacecafe0042ab${low14}`;

function randomIds(count: number): string[] {
  const ids = new IdSource();
  return Array.from({ length: count }, () => ids.traceId());
}

describe('RatioSampler', () => {
  it('samples every trace when the ratio is 1, even one whose low 56 bits are zero', () => {
    const sampler = new RatioSampler(1);
    expect(sampler.isSampled(idWithLow('00000000000000'))).toBe(true);
    expect(randomIds(1000).every((id) => sampler.isSampled(id))).toBe(true);
  });

  it('samples nothing when the ratio is 0, even one whose low 56 bits are all ones', () => {
    const sampler = new RatioSampler(0);
    expect(sampler.isSampled(idWithLow('ffffffffffffff'))).toBe(false);
    expect(randomIds(1000).some((id) => sampler.isSampled(id))).toBe(false);
  });

  it.each([
    // ratio 0.5: threshold 2^55 = 0x80000000000000
    [0.5, '80000000000000', true],
    [0.5, '7fffffffffffff', false],
    [0.5, 'ffffffffffffff', true],
    [0.5, '00000000000000', false],
    // ratio 0.25: threshold 0.75 × 2^56 = 0xc0000000000000
    [0.25, 'c0000000000000', true],
    [0.25, 'bfffffffffffff', false],
    // the low 32 bits decide when the high 24 equal the threshold's: 0.1 → 0xe6666666666666
    [0.1, 'e6666666666666', true],
    [0.1, 'e6666666666665', false],
    [0.1, 'e6666700000000', true],
  ])('at ratio %d decides a trace whose low 56 bits are %s by R ≥ (1 − ratio) × 2^56', (ratio, low14, expected) => {
    expect(new RatioSampler(ratio).isSampled(idWithLow(low14))).toBe(expected);
  });

  it('ignores the high 72 bits of the trace id when deciding', () => {
    const sampler = new RatioSampler(0.5);
    expect(sampler.isSampled(`000000000000000000${'80000000000000'}`)).toBe(true);
    expect(sampler.isSampled(`ffffffffffffffffff${'7fffffffffffff'}`)).toBe(false);
  });

  it('reads upper-case hex digits like lower-case ones when an id comes from a peer', () => {
    const sampler = new RatioSampler(0.3);
    for (const id of randomIds(2000)) expect(sampler.isSampled(id.toUpperCase())).toBe(sampler.isSampled(id));
  });

  it('gives the same decision for the same trace id every time and in every sampler', () => {
    const ids = randomIds(2000);
    const first = ids.map((id) => new RatioSampler(0.37).isSampled(id));
    const again = new RatioSampler(0.37);
    expect(ids.map((id) => again.isSampled(id))).toEqual(first);
  });

  it('samples a superset at a higher ratio when two services sample the same traces', () => {
    const ids = randomIds(20_000);
    const low = new RatioSampler(0.1);
    const high = new RatioSampler(0.4);
    for (const id of ids) if (low.isSampled(id)) expect(high.isSampled(id)).toBe(true);
  });

  it.each([0.01, 0.1, 0.5, 0.9])('samples close to a %d share of 100,000 random trace ids', (ratio) => {
    const sampler = new RatioSampler(ratio);
    const share = randomIds(100_000).filter((id) => sampler.isSampled(id)).length / 100_000;
    // 100,000 draws: the standard deviation is at most 0.0016, so ±0.01 is over 6 sigma.
    expect(Math.abs(share - ratio)).toBeLessThan(0.01);
  });

  it.each([-0.1, 1.5, Number.NaN, Infinity])('throws ConfigError when the ratio is %d', (ratio) => {
    expect(() => new RatioSampler(ratio)).toThrow(ConfigError);
  });
});

describe('parseSampleRatio', () => {
  it.each([
    [undefined, 0.2, 0.2],
    ['', 0.2, 0.2],
    ['   ', 0.2, 0.2],
    ['0', 1, 0],
    ['1', 0, 1],
    ['0.25', 1, 0.25],
    [' 0.5 ', 1, 0.5],
    ['.5', 1, 0.5],
    ['1.0', 0, 1],
    ['5e-2', 1, 0.05],
    ['1E-3', 1, 0.001],
  ])('reads %j (fallback %d) as %d', (value, fallback, expected) => {
    expect(parseSampleRatio(value, fallback)).toBe(expected);
  });

  it.each([
    ['1.5', 'got "1.5"'],
    ['-0.1', 'got "-0.1"'],
    ['abc', 'got "abc"'],
    ['0x1', 'got "0x1"'],
    ['NaN', 'got "NaN"'],
    ['Infinity', 'got "Infinity"'],
    ['1/2', 'got "1/2"'],
    ['50%', 'got "50%"'],
    ['0.'.padEnd(60, '5') + 'x', 'got a string of 61 characters'],
  ])('throws ConfigError naming OTEL_TRACES_SAMPLER_ARG when the value is %j', (value, shown) => {
    let caught: unknown;
    try {
      parseSampleRatio(value, 1);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ code: 'CONFIG_INVALID', path: 'OTEL_TRACES_SAMPLER_ARG' });
    expect((caught as Error).message).toBe(`OTEL_TRACES_SAMPLER_ARG: expected a sampling ratio in 0..1, e.g. 0.1, got ${shown.slice(4)}`);
  });

  it('throws ConfigError when the fallback itself is outside 0..1', () => {
    expect(() => parseSampleRatio(undefined, 2)).toThrow(ConfigError);
    expect(() => parseSampleRatio(undefined, 2)).toThrow(/OTEL_TRACES_SAMPLER_ARG \(fallback\)/);
  });
});
