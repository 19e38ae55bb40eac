import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/common/index.js';
import { parseTpdu, swappedTpdu, tpduHex, tpduNumber, writeTpdu } from '../../../src/transport/index.js';

describe('tpdu', () => {
  it('swaps destination and source when a reply is made (primer §8: 60 0012 0000 -> 60 0000 0012)', () => {
    const req = Buffer.from('AA6000120000BB', 'hex');
    const out = Buffer.alloc(5);
    writeTpdu(out, 0, swappedTpdu(req, 1));
    expect(out.toString('hex')).toBe('6000000012');
  });

  it('keeps every bit when the TPDU uses all 40 bits', () => {
    const t = Buffer.from('FFFEDCBA98', 'hex');
    const out = Buffer.alloc(5);
    writeTpdu(out, 0, tpduNumber(t, 0));
    expect(out.toString('hex')).toBe('fffedcba98');
    writeTpdu(out, 0, swappedTpdu(t, 0));
    expect(out.toString('hex')).toBe('ffba98fedc');
  });

  it('parses 10 hex digits and prints them back when configured', () => {
    expect(tpduHex(parseTpdu('x.tpdu', '6000120000'))).toBe('6000120000');
  });

  it.each([['60001200'], ['600012000G'], [6000120000], [null]])('throws ConfigError naming the option when the TPDU is %s', (v) => {
    expect(() => parseTpdu('client.tpdu', v)).toThrow(ConfigError);
    expect(() => parseTpdu('client.tpdu', v)).toThrow(/^client\.tpdu: expected a TPDU as 10 hex digits/);
  });
});
