// The load generator's pure parts: the message mix, duration text, frame templates patched in
// place, and the token bucket. The engine against a real switch is spec/cli/load.spec.ts.

import { describe, expect, it } from 'vitest';
import { builtinCodec } from '../../../src/codec/index.js';
import { ConfigError } from '../../../src/common/index.js';
import { LOAD_KINDS, TokenBucket, mixSchedule, parseMix } from '../../../src/sim/index.js';
import { buildTemplate, connectionTemplates, terminalId } from '../../../src/sim/load/templates.js';
import { LENGTH_HEADERS } from '../../../src/transport/index.js';
import { cardFor } from '../../helpers/test-cards.js';

const APPROVING = cardFor('00').pan;

describe('parseMix', () => {
  it('reads kind=weight pairs and leaves the other kinds at 0 when some are given', () => {
    expect(parseMix('auth=90, purchase=5,echo=5')).toEqual({ auth: 90, purchase: 5, echo: 5 });
    expect(parseMix('echo=1')).toEqual({ auth: 0, purchase: 0, echo: 1 });
  });

  it.each([
    ['auth', 'mix: expected kind=weight[,kind=weight...] with kinds auth, purchase, echo (got "auth")'],
    ['refund=1', 'mix: unknown kind "refund" (expected auth, purchase, echo)'],
    ['auth=1,auth=2', 'mix: kind "auth" given twice'],
    ['auth=0,echo=0', 'mix: at least one weight must be above 0'],
    ['auth=-1', 'mix: expected kind=weight[,kind=weight...] with kinds auth, purchase, echo (got "auth=-1")'],
  ])('throws ConfigError when the mix is %j', (text, message) => {
    const err = (() => {
      try {
        parseMix(text);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', path: 'mix', message });
  });
});

describe('mixSchedule', () => {
  const counts = (s: Uint8Array): number[] => LOAD_KINDS.map((_, k) => s.filter((x) => x === k).length);

  it('holds each kind in proportion to its weight per cycle when weights share a divisor', () => {
    const s = mixSchedule(parseMix('auth=90,purchase=5,echo=5'));
    expect(s.length).toBe(20);
    expect(counts(s)).toEqual([18, 1, 1]);
    expect(counts(mixSchedule(parseMix('auth=80,echo=20')))).toEqual([4, 0, 1]);
  });

  it('spreads kinds out rather than bunching them when weights are equal', () => {
    expect([...mixSchedule(parseMix('auth=1,purchase=1,echo=1'))]).toEqual([0, 1, 2]);
    const s = [...mixSchedule(parseMix('auth=2,echo=2'))];
    expect(s).toEqual([0, 2]);
  });

  it('is the same sequence every time when given the same weights', () => {
    const w = parseMix('auth=7,purchase=2,echo=1');
    expect([...mixSchedule(w)]).toEqual([...mixSchedule(w)]);
  });

  it('throws ConfigError when the reduced cycle is over 10,000', () => {
    expect(() => mixSchedule(parseMix('auth=9999,echo=9998'))).toThrow(/keep it at most 10000/);
  });
});

describe('buildTemplate', () => {
  const ascii = { codec: builtinCodec('iso87ascii'), framing: 'ascii4', header: 'none' } as const;

  it('patches the STAN in place and leaves every other byte when the STAN changes', () => {
    const t = buildTemplate('auth', APPROVING, terminalId(0), ascii);
    const before = Buffer.from(t.frame);
    t.patchStan(42);
    const msg = ascii.codec.unpack(t.frame, t.headroom);
    expect(msg.mti).toBe('0100');
    expect(msg.get(11)).toBe('000042');
    expect(msg.get(41)).toBe('LD000001');
    expect(msg.get(2)).toBe(APPROVING);
    const changed = [...t.frame].flatMap((b, i) => (b === before[i] ? [] : [i]));
    expect(changed.every((i) => i >= t.stanAt && i < t.stanAt + 6)).toBe(true);
  });

  it('writes the length header of the framing when the template is built', () => {
    const t = buildTemplate('purchase', APPROVING, terminalId(4), ascii);
    expect(LENGTH_HEADERS.ascii4.read(t.frame, 0)).toBe(t.frame.length - 4);
    expect(ascii.codec.unpack(t.frame, 4).mti).toBe('0200');
  });

  it('patches a BCD STAN and frames after a TPDU when the spec is binary', () => {
    const bin = { codec: builtinCodec('iso87binary'), framing: 'binary2', header: 'tpdu' } as const;
    const t = buildTemplate('echo', APPROVING, terminalId(1), bin);
    expect(t.headroom).toBe(7);
    t.patchStan(999_999);
    const msg = bin.codec.unpack(t.frame, t.headroom);
    expect(msg.mti).toBe('0800');
    expect(msg.get(11)).toBe('999999');
    expect(msg.get(70)).toBe('301');
    expect(LENGTH_HEADERS.binary2.read(t.frame, 0)).toBe(t.frame.length - 2);
  });

  it('issue #13: builds 1100, 1200 and 1804 (DE 24 831) with 1993 field formats when the spec is iso93ascii', () => {
    const iso93 = { codec: builtinCodec('iso93ascii'), framing: 'ascii4', header: 'none' } as const;
    const [auth, purchase, echo] = connectionTemplates(0, [APPROVING], iso93).map((t) => iso93.codec.unpack(t.frame, t.headroom));
    expect([auth.mti, purchase.mti, echo.mti]).toEqual(['1100', '1200', '1804']);
    expect([auth.get(12), auth.get(22), auth.get(24), purchase.get(24), echo.get(24), echo.get(70)]).toEqual(['261123120000', '600101600000', '100', '200', '831', undefined]);
  });

  it('builds one template per kind and card with the terminal id of the connection', () => {
    const ts = connectionTemplates(9, [APPROVING, cardFor('51').pan], ascii);
    expect(ts.map((t) => t.kind)).toEqual(['auth', 'auth', 'purchase', 'purchase', 'echo', 'echo']);
    expect(ts.filter((t) => t.kind !== 'echo').every((t) => ascii.codec.unpack(t.frame, 4).get(41) === 'LD000010')).toBe(true);
  });
});

describe('TokenBucket', () => {
  it('lets one request through at once, then paces at the rate when tokens run out', () => {
    const b = new TokenBucket(100, 0);
    expect(b.take(0)).toBe(true);
    expect(b.take(0)).toBe(false);
    expect(b.msUntilNext(0)).toBeCloseTo(10);
    expect(b.take(5)).toBe(false);
    expect(b.take(10)).toBe(true);
  });

  it('holds at most the burst when idle for long', () => {
    const b = new TokenBucket(100, 0);
    b.take(0);
    let taken = 0;
    while (b.take(10_000)) taken++;
    expect(taken).toBe(5);
    expect(b.burst).toBe(5);
  });

  it('gives rate × seconds tokens over a paced run', () => {
    const b = new TokenBucket(1000, 0);
    let taken = 0;
    for (let t = 0; t <= 1000; t += 0.25) while (b.take(t)) taken++;
    expect(taken).toBeGreaterThanOrEqual(1000);
    expect(taken).toBeLessThanOrEqual(1001);
  });
});
