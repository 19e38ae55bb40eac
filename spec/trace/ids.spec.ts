// IdSource: W3C trace context ids from a pooled random buffer.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { IdSource } from '../../src/trace/index.js';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;

afterEach(() => {
  vi.doUnmock('node:crypto');
  vi.resetModules();
});

describe('IdSource', () => {
  it('makes 32-digit lowercase hex trace ids when asked for trace ids', () => {
    const ids = new IdSource();
    for (let i = 0; i < 1000; i++) {
      const id = ids.traceId();
      expect(id).toMatch(TRACE_ID);
      expect(id).not.toMatch(ALL_ZERO);
    }
  });

  it('makes 16-digit lowercase hex span ids when asked for span ids', () => {
    const ids = new IdSource();
    for (let i = 0; i < 1000; i++) {
      const id = ids.spanId();
      expect(id).toMatch(SPAN_ID);
      expect(id).not.toMatch(ALL_ZERO);
    }
  });

  it('never repeats an id when 100,000 of each kind are drawn', () => {
    const ids = new IdSource();
    const traceIds = new Set<string>();
    const spanIds = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      traceIds.add(ids.traceId());
      spanIds.add(ids.spanId());
    }
    expect(traceIds.size).toBe(100_000);
    expect(spanIds.size).toBe(100_000);
  });

  it('keeps making well-formed ids when the 4 KiB pool is refilled mid-pattern', () => {
    // One trace id and five span ids take 56 bytes: 4096 is not a multiple, so refills fall
    // between ids of every kind, and a draw that would run past the pool's end refills first.
    const ids = new IdSource();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const traceId = ids.traceId();
      expect(traceId).toMatch(TRACE_ID);
      seen.add(traceId);
      for (let s = 0; s < 5; s++) {
        const spanId = ids.spanId();
        expect(spanId).toMatch(SPAN_ID);
        seen.add(spanId);
      }
    }
    expect(seen.size).toBe(30_000);
  });

  it('draws again when the random bytes make an all-zero id', async () => {
    // The first refill is all zeros (W3C forbids an all-zero id); the second is random.
    let fills = 0;
    vi.doMock('node:crypto', async (importOriginal) => {
      const real = await importOriginal<typeof import('node:crypto')>();
      return {
        ...real,
        randomFillSync: <T extends NodeJS.ArrayBufferView>(buf: T): T => {
          fills++;
          if (fills > 1) return real.randomFillSync(buf);
          new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength).fill(0);
          return buf;
        },
      };
    });
    vi.resetModules();
    const { IdSource: MockedIdSource } = await import('../../src/trace/ids.js');
    const ids = new MockedIdSource();
    const id = ids.traceId();
    expect(id).toMatch(TRACE_ID);
    expect(id).not.toMatch(ALL_ZERO);
    expect(fills).toBe(2);
    expect(ids.spanId()).not.toMatch(ALL_ZERO);
  });
});
