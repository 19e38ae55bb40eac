// The one duration syntax of the command line: a plain number is milliseconds, else a unit.

import { describe, expect, it } from 'vitest';
import { durationMs, parseDurationFlag } from '../../src/cli/duration.js';
import { UsageError } from '../../src/cli/io.js';
import { thrown } from '../helpers/bytes.js';

describe('durationMs', () => {
  it.each([
    ['500', 500], ['500ms', 500], ['10s', 10_000], ['1.5s', 1500], ['2m', 120_000], ['1h', 3_600_000], ['1d', 86_400_000], [' 2s ', 2000], ['0', 0],
  ])('reads %j as %d ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each(['', '10x', '-1s', 's', '2 s s', '1e3', '0x10'])('is NaN when the text is %j', (text) => {
    expect(durationMs(text)).toBeNaN();
  });
});

describe('parseDurationFlag', () => {
  it('returns whole milliseconds when the duration is inside the range', () => {
    expect(parseDurationFlag('--timeout', '2s', 1, 60_000)).toBe(2000);
    expect(parseDurationFlag('--timeout', '2000', 1, 60_000)).toBe(2000);
  });

  it.each<[string, string]>([
    ['10x', '--timeout expects a duration such as 500 (ms), 500ms, 2s, 1.5s, 2m or 1h (got "10x")'],
    ['0s', '--timeout expects a duration from 1 to 60000 ms (got "0s")'],
    ['2m', '--timeout expects a duration from 1 to 60000 ms (got "2m")'],
  ])('throws CLI_BAD_VALUE naming the flag when the text is %j', (text, message) => {
    const err = thrown(() => parseDurationFlag('--timeout', text, 1, 60_000)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.code).toBe('CLI_BAD_VALUE');
    expect(err.message).toBe(message);
  });
});
