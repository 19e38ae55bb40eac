import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, FrameEncoder, FRAMINGS, FramingError, LENGTH_HEADERS, NO_TPDU } from '../../../src/transport/index.js';
import { CollectSink } from './collect.js';

const numRuns = Number(process.env.FC_RUNS ?? 100);

// A stream: frames (empty = keep-alive) with TPDUs, under one framing and header.
const streamArb = fc.record({
  framing: fc.constantFrom(...FRAMINGS),
  hasTpdu: fc.boolean(),
  frames: fc.array(fc.record({ body: fc.uint8Array({ minLength: 0, maxLength: 300 }), tpdu: fc.integer({ min: 0, max: 2 ** 40 - 1 }) }), { maxLength: 12 }),
});

/** Cuts `buf` at the given fractions into chunks (possibly empty ones). */
function cut(buf: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => Math.floor(p * (buf.length + 1))))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of at) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

describe('FrameDecoder (properties)', () => {
  it('yields exactly the same frames whatever the split points of the stream', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }), ({ framing, hasTpdu, frames }, points) => {
        const header = hasTpdu ? 'tpdu' : 'none';
        const enc = new FrameEncoder({ framing, header });
        const wire = Buffer.concat(frames.map((f) => (f.body.length === 0 ? enc.keepAlive() : enc.encode(f.body, hasTpdu ? f.tpdu : NO_TPDU))));
        const whole = new CollectSink(hasTpdu ? 5 : 0);
        new FrameDecoder({ framing, header, maxFrameBytes: 8192 }).push(wire, whole);
        const split = new CollectSink(hasTpdu ? 5 : 0);
        const d = new FrameDecoder({ framing, header, maxFrameBytes: 8192 });
        for (const chunk of cut(wire, points)) d.push(chunk, split);
        expect(split.frames).toEqual(whole.frames);
        expect(split.tpdus).toEqual(whole.tpdus);
        expect(split.keepAlives).toBe(whole.keepAlives);
        expect(whole.frames.map((b) => b.toString('hex'))).toEqual(frames.filter((f) => f.body.length > 0).map((f) => Buffer.from(f.body).toString('hex')));
        expect(d.isMidFrame).toBe(false);
        expect(d.consumedBytes).toBe(wire.length);
      }),
      { numRuns },
    );
  });

  it('yields the same frames when the sink stops and resumes at random', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }), fc.integer({ min: 1, max: 4 }), ({ framing, frames }, points, every) => {
        const enc = new FrameEncoder({ framing, header: 'none' });
        const wire = Buffer.concat(frames.map((f) => (f.body.length === 0 ? enc.keepAlive() : enc.encode(f.body, NO_TPDU))));
        const sink = new CollectSink();
        const d = new FrameDecoder({ framing, header: 'none', maxFrameBytes: 8192 });
        sink.stopAfter = every;
        for (const chunk of cut(wire, points)) {
          if (!d.push(chunk, sink)) {
            while (true) {
              sink.stopAfter = sink.frames.length + every;
              if (d.resume(sink)) break;
            }
          }
        }
        expect(sink.frames.map((b) => b.toString('hex'))).toEqual(frames.filter((f) => f.body.length > 0).map((f) => Buffer.from(f.body).toString('hex')));
      }),
      { numRuns },
    );
  });

  it('throws only FramingError on random bytes in random chunks', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FRAMINGS), fc.boolean(), fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), fc.integer({ min: 1, max: 300 }), (framing, hasTpdu, chunks, max) => {
        const d = new FrameDecoder({ framing, header: hasTpdu ? 'tpdu' : 'none', maxFrameBytes: max });
        const sink = new CollectSink();
        try {
          for (const c of chunks) d.push(Buffer.from(c), sink);
        } catch (err) {
          expect(err).toBeInstanceOf(FramingError);
          return;
        }
        for (const f of sink.frames) expect(f.length).toBeLessThanOrEqual(Math.min(max, LENGTH_HEADERS[framing].maxLength));
      }),
      { numRuns },
    );
  });
});
