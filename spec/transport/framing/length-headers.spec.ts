import { describe, expect, it } from 'vitest';
import { FRAMINGS, LENGTH_HEADERS } from '../../../src/transport/index.js';
import { DESIGN_TABLE_291 } from './frame-table.js';

describe('LENGTH_HEADERS', () => {
  it.each(DESIGN_TABLE_291)('writes and reads %s exactly as the design table when the message is 291 bytes', (framing, hex) => {
    const lh = LENGTH_HEADERS[framing];
    const buf = Buffer.alloc(lh.size);
    lh.write(buf, 0, 291);
    expect(buf.toString('hex')).toBe(hex);
    expect(lh.read(Buffer.from(hex, 'hex'), 0)).toBe(291);
  });

  it('covers every framing name when listed', () => {
    expect(Object.keys(LENGTH_HEADERS).sort()).toEqual([...FRAMINGS].sort());
  });

  it.each(FRAMINGS.map((f) => [f]))('round-trips 0, 1 and its largest length when the framing is %s', (framing) => {
    const lh = LENGTH_HEADERS[framing];
    for (const n of [0, 1, 9, 10, 99, 100, 999, 1000, Math.min(lh.maxLength, 9999), lh.maxLength]) {
      const buf = Buffer.alloc(lh.size + 2, 0xee);
      lh.write(buf, 1, n);
      expect(buf[0]).toBe(0xee);
      expect(buf[lh.size + 1]).toBe(0xee);
      expect(lh.read(buf, 1)).toBe(n);
    }
  });

  it('writes lowercase and reads both cases when the framing is hex4 (jPOS HEXChannel)', () => {
    const buf = Buffer.alloc(4);
    LENGTH_HEADERS.hex4.write(buf, 0, 0xabcd);
    expect(buf.toString('latin1')).toBe('abcd');
    expect(LENGTH_HEADERS.hex4.read(Buffer.from('ABCD', 'latin1'), 0)).toBe(0xabcd);
  });

  it.each([
    ['ascii4', '30413031'],
    ['ascii4', '2F303030'],
    ['ascii4', '3A303030'],
    ['bcd2', '0A00'],
    ['bcd2', '00F1'],
    ['hex4', '30303047'],
    ['hex4', '30302030'],
    ['binary2-incl', '0000'],
    ['binary2-incl', '0001'],
    ['vmlh', '00100001'],
    ['vmlh', '00108000'],
  ] as const)('reads -1 when a %s header is %s', (framing, hex) => {
    expect(LENGTH_HEADERS[framing].read(Buffer.from(hex, 'hex'), 0)).toBe(-1);
  });
});
