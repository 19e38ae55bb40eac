import { describe, expect, it } from 'vitest';
import { builtinCodec } from '../../../src/codec/index.js';
import { localDateTime93 } from '../../../src/codec/index.js';
import { buildTerminalRequest, originalDataElements93, originalOf, type TerminalParams } from '../../../src/sim/index.js';
import { cardFor } from '../../helpers/test-cards.js';

const codec = builtinCodec('iso93ascii');
const NOW = new Date(2026, 5, 12, 14, 30, 15); // local time: DE 12 is local

function params(overrides: Partial<TerminalParams> = {}): TerminalParams {
  return {
    pan: cardFor('00').pan, expiry: '2812', amount: '000000001250', currency: '840', terminalId: 'TERM0001',
    merchantId: 'MERCHANT0000001', acquirerId: '123456', stan: '000042', original: null, ...overrides,
  };
}

describe('buildTerminalRequest, ISO 8583:1993', () => {
  it('issue #13: builds an 1100 with DE 12 n12, DE 22 an12 and function code 100 and no 1987-only values', () => {
    const msg = buildTerminalRequest('auth', params(), NOW, codec);
    expect(msg.mti).toBe('1100');
    expect(msg.fields()).toEqual([2, 3, 4, 7, 11, 12, 14, 22, 24, 32, 41, 42, 49]);
    expect([msg.get(12), msg.get(22), msg.get(24)]).toEqual(['260612143015', '600101600000', '100']);
    expect(() => codec.pack(msg)).not.toThrow();
  });

  it('issue #13: builds a 1420 naming the original by DE 56 (MTI, STAN, DE 12, LL + acquirer) with function 400 and reason 4000', () => {
    const original = originalOf(buildTerminalRequest('auth', params({ stan: '000007' }), NOW, codec));
    const msg = buildTerminalRequest('reverse', params({ stan: '000007', original }), new Date(NOW.getTime() + 60_000), codec);
    expect(msg.mti).toBe('1420');
    expect(msg.get(56)).toBe('1100000007260612143015' + '06123456');
    expect([msg.get(11), msg.get(12), msg.get(24), msg.get(25), msg.has(90), msg.has(2)]).toEqual(['000007', '260612143015', '400', '4000', false, false]);
  });

  it.each([['echo', '831'], ['signon', '801']] as const)('issue #13: builds %s as an 1804 with DE 24 %s', (action, code) => {
    const msg = buildTerminalRequest(action, params(), NOW, codec);
    expect([msg.mti, msg.get(24), msg.has(70)]).toEqual(['1804', code, false]);
  });

  it('leaves DE 56 out when the original has no 12-digit DE 12 (a state file of a 1987 run)', () => {
    expect(originalDataElements93({ mti: '0100', stan: '000001', transmission: '0612143015', amount: '000000001250', currency: '840', acquirer: '123456', rrn: null })).toBeNull();
    expect(localDateTime93(NOW)).toBe('260612143015');
  });
});
