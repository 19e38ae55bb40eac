import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/codec/index.js';
import { ConfigError, IssuerError, RoutingError } from '../../src/common/index.js';
import { RC, RC_MEANINGS, responseCodeFor } from '../../src/switch/index.js';

describe('responseCodeFor', () => {
  it.each([
    ['a DecodeError', new DecodeError('CODEC_TRUNCATED', { field: 2, offset: 20, detail: 'short' }), '30'],
    ['an IssuerError ISSUER_TIMEOUT', new IssuerError('ISSUER_TIMEOUT', 'late'), '91'],
    ['an IssuerError ISSUER_UNAVAILABLE', new IssuerError('ISSUER_UNAVAILABLE', 'down'), '91'],
    ['a RoutingError', new RoutingError('ROUTE_NOT_FOUND', 'none'), '96'],
    ['a ConfigError', new ConfigError('x', 'bad'), '96'],
    ['a plain Error', new Error('boom'), '96'],
    ['a thrown string', 'boom', '96'],
    ['undefined', undefined, '96'],
  ])('maps %s to %s', (_what, err, rc) => {
    expect(responseCodeFor(err)).toBe(rc);
  });
});

describe('RC_MEANINGS', () => {
  it('names every response code the switch sets', () => {
    for (const rc of Object.values(RC)) expect(RC_MEANINGS[rc]).toMatch(/^[a-z]/);
  });
});
