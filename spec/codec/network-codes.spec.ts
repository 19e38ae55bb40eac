import { describe, expect, it } from 'vitest';
import { NETWORK_CODES, NETWORK_CODES_93, networkCodeMeanings } from '../../src/codec/index.js';

describe('network codes', () => {
  it('issue #14: names sign-on, sign-off and echo of each edition from one definition', () => {
    expect([NETWORK_CODES.de, NETWORK_CODES_93.de]).toEqual([70, 24]);
    expect(networkCodeMeanings(NETWORK_CODES)).toEqual({ '001': 'sign-on', '002': 'sign-off', '301': 'echo test' });
    expect(networkCodeMeanings(NETWORK_CODES_93)).toEqual({ '801': 'sign-on', '802': 'sign-off', '831': 'echo test' });
  });
});
