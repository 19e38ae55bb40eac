import { describe, expect, it } from 'vitest';
import { FrameDecoder, FramingError, type Framing } from '../../../src/transport/index.js';
import { CollectSink } from './collect.js';

const ascii = (opts: Partial<{ framing: Framing; header: 'none' | 'tpdu'; maxFrameBytes: number }> = {}): FrameDecoder =>
  new FrameDecoder({ framing: 'ascii4', header: 'none', maxFrameBytes: 8192, ...opts });
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('FrameDecoder', () => {
  it('passes a frame on without copying when it arrives inside one chunk', () => {
    const chunk = bytes('0005hello0003abc');
    const sink = new CollectSink();
    expect(ascii().push(chunk, sink)).toBe(true);
    expect(sink.frames.map(String)).toEqual(['hello', 'abc']);
    expect(sink.calls[0]).toEqual({ buf: chunk, start: 4, end: 9 });
    expect(sink.calls[1].buf).toBe(chunk);
  });

  it('assembles a frame when it is split across three chunks, header included', () => {
    const d = ascii();
    const sink = new CollectSink();
    d.push(bytes('00'), sink);
    expect(d.isMidFrame).toBe(true);
    d.push(bytes('05he'), sink);
    expect(sink.frames).toEqual([]);
    d.push(bytes('llo00'), sink);
    expect(sink.frames.map(String)).toEqual(['hello']);
    expect(d.isMidFrame).toBe(true);
    d.push(bytes('01x'), sink);
    expect(sink.frames.map(String)).toEqual(['hello', 'x']);
    expect(d.isMidFrame).toBe(false);
    expect(d.consumedBytes).toBe(14);
  });

  it('reports a keep-alive and passes nothing on when the length is zero', () => {
    const sink = new CollectSink();
    const d = ascii();
    d.push(bytes('00000002ok00'), sink);
    d.push(bytes('00'), sink);
    expect(sink.keepAlives).toBe(2);
    expect(sink.frames.map(String)).toEqual(['ok']);
    expect(d.isMidFrame).toBe(false);
  });

  it('separates the TPDU from the message when the tpdu header is configured', () => {
    const sink = new CollectSink(5);
    const d = new FrameDecoder({ framing: 'binary2', header: 'tpdu', maxFrameBytes: 8192 });
    d.push(Buffer.from('0007600012000030', 'hex'), sink);
    d.push(Buffer.from('31', 'hex'), sink);
    expect(sink.tpdus.map((b) => b.toString('hex'))).toEqual(['6000120000']);
    expect(sink.frames.map(String)).toEqual(['01']);
  });

  it('keeps the rest and continues on resume() when the sink asks to stop', () => {
    const sink = new CollectSink();
    sink.stopAfter = 1;
    const d = ascii();
    expect(d.push(bytes('0001a0001b00'), sink)).toBe(false);
    expect(d.isParked).toBe(true);
    expect(d.push(bytes('01c'), sink)).toBe(false); // arrives while parked: queued behind
    expect(sink.frames.map(String)).toEqual(['a']);
    sink.stopAfter = Infinity;
    expect(d.resume(sink)).toBe(true);
    expect(sink.frames.map(String)).toEqual(['a', 'b', 'c']);
    expect(d.isParked).toBe(false);
  });

  it('stops after a frame assembled across chunks when the sink asks to', () => {
    const sink = new CollectSink();
    sink.stopAfter = 1;
    const d = ascii();
    d.push(bytes('0002a'), sink);
    expect(d.push(bytes('b0001c'), sink)).toBe(false);
    sink.stopAfter = Infinity;
    expect(d.resume(sink)).toBe(true);
    expect(sink.frames.map(String)).toEqual(['ab', 'c']);
  });

  it('raises FRAME_TOO_LARGE from the header alone, before any body byte is buffered', () => {
    const d = ascii({ maxFrameBytes: 100 });
    const sink = new CollectSink();
    d.push(bytes('01'), sink);
    expect(() => d.push(bytes('01'), sink)).toThrow(FramingError);
  });

  it.each([
    // framing, header, max, stream (hex), code, offset, message
    ['ascii4', 'none', 8192, '30304131', 'FRAME_BAD_HEADER', 0, 'ascii4: a non-digit in the 4-digit ASCII length (byte 0)'],
    ['ascii4', 'none', 8192, '30303031' + '41' + '2030303031', 'FRAME_BAD_HEADER', 5, 'ascii4: a non-digit in the 4-digit ASCII length (byte 5)'],
    ['ascii4', 'none', 8192, '39303030', 'FRAME_TOO_LARGE', 0, 'ascii4: length 9000 exceeds maxFrameBytes 8192 (byte 0)'],
    ['ascii4', 'none', 100, '30303031' + '41' + '30313031', 'FRAME_TOO_LARGE', 5, 'ascii4: length 101 exceeds maxFrameBytes 100 (byte 5)'],
    ['bcd2', 'none', 8192, '0A01', 'FRAME_BAD_HEADER', 0, 'bcd2: a BCD nibble above 9 in the length (byte 0)'],
    ['hex4', 'none', 8192, '3030307A', 'FRAME_BAD_HEADER', 0, 'hex4: a non-hex character in the 4-character hex length (byte 0)'],
    ['hex4', 'none', 8192, '32303031', 'FRAME_TOO_LARGE', 0, 'hex4: length 8193 exceeds maxFrameBytes 8192 (byte 0)'],
    ['binary2', 'none', 8192, 'FFFF', 'FRAME_TOO_LARGE', 0, 'binary2: length 65535 exceeds maxFrameBytes 8192 (byte 0)'],
    ['binary2-incl', 'none', 8192, '0001', 'FRAME_BAD_HEADER', 0, "binary2-incl: a length below 2, the header's own size (byte 0)"],
    ['binary4', 'none', 8192, '80000000', 'FRAME_TOO_LARGE', 0, 'binary4: length 2147483648 exceeds maxFrameBytes 8192 (byte 0)'],
    ['vmlh', 'none', 8192, '00050001', 'FRAME_BAD_HEADER', 0, 'vmlh: non-zero bytes where the 2 reserved zero bytes belong (byte 0)'],
    ['binary2', 'tpdu', 8192, '0003600012', 'FRAME_BAD_TPDU', 0, 'binary2: length 3 cannot hold a 5-byte TPDU (byte 0)'],
  ] as const)('throws when %s/%s (max %i) reads %s', (framing, header, maxFrameBytes, hex, code, offset, message) => {
    const d = new FrameDecoder({ framing, header, maxFrameBytes });
    let caught: unknown;
    try {
      d.push(Buffer.from(hex, 'hex'), new CollectSink());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FramingError);
    expect(caught).toMatchObject({ name: 'FramingError', code, offset, framing, message });
  });

  it('checks the header of a frame split inside its header when the rest arrives', () => {
    const d = ascii();
    d.push(bytes('0001a00'), new CollectSink());
    expect(() => d.push(bytes('x1'), new CollectSink())).toThrow(/non-digit.*\(byte 5\)/);
  });
});
