import { describe, expect, it } from 'vitest';
import { FrameEncoder, FramingError, NO_TPDU, parseTpdu } from '../../../src/transport/index.js';
import { DESIGN_TABLE_291 } from './frame-table.js';

const MSG = Buffer.alloc(291, 0x41);

describe('FrameEncoder', () => {
  it.each(DESIGN_TABLE_291)('puts the design-table header in front when the framing is %s', (framing, hex) => {
    const out = new FrameEncoder({ framing, header: 'none' }).encode(MSG, NO_TPDU);
    expect(out.subarray(0, hex.length / 2).toString('hex')).toBe(hex);
    expect(out.subarray(hex.length / 2)).toEqual(MSG);
  });

  it.each(DESIGN_TABLE_291)('counts the TPDU in the length when the framing is %s with the tpdu header', (framing) => {
    const enc = new FrameEncoder({ framing, header: 'tpdu' });
    const out = enc.encode(MSG.subarray(0, 286), parseTpdu('t', '6000120000'));
    const plain = new FrameEncoder({ framing, header: 'none' }).encode(MSG, NO_TPDU);
    expect(out.subarray(0, enc.headroom - 5)).toEqual(plain.subarray(0, enc.headroom - 5));
    expect(out.subarray(enc.headroom - 5, enc.headroom).toString('hex')).toBe('6000120000');
    expect(out.length).toBe(plain.length);
  });

  it('backfills the headroom left by the codec when framing in place', () => {
    const enc = new FrameEncoder({ framing: 'binary2', header: 'none' });
    const buf = Buffer.concat([Buffer.alloc(enc.headroom), Buffer.from('hi')]);
    expect(enc.frameInPlace(buf, NO_TPDU)).toBe(buf);
    expect(buf.toString('hex')).toBe('00026869');
  });

  it.each([
    ['ascii4', '30303030'],
    ['binary2-incl', '0002'],
    ['vmlh', '00000000'],
    ['bcd2', '0000'],
  ] as const)('makes the %s keep-alive as %s', (framing, hex) => {
    expect(new FrameEncoder({ framing, header: 'tpdu' }).keepAlive().toString('hex')).toBe(hex);
  });

  it('throws FRAME_TOO_LARGE when the message exceeds what the header can express', () => {
    expect(() => new FrameEncoder({ framing: 'ascii4', header: 'none' }).encode(Buffer.alloc(10_000), NO_TPDU)).toThrow(
      expect.objectContaining({ name: 'FramingError', code: 'FRAME_TOO_LARGE', length: 10_000, message: "ascii4: length 10000 exceeds the header's largest 9999 (byte 0)" }),
    );
  });

  it('throws FRAME_BAD_TPDU when the tpdu header is configured and no TPDU is given', () => {
    expect(() => new FrameEncoder({ framing: 'ascii4', header: 'tpdu' }).encode(MSG, NO_TPDU)).toThrow(FramingError);
  });
});
