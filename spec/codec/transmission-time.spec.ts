import { describe, expect, it } from 'vitest';
import { transmissionTime } from '../../src/codec/index.js';

describe('transmissionTime', () => {
  it('writes DE 7 as MMDDhhmmss in UTC', () => {
    expect(transmissionTime(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)))).toBe('0102030405');
  });
});
