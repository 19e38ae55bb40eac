// TxnMetrics (issue #16): a finished transaction counted by MTI class and response code (1987
// codes, 1993 action codes, anything else as `other`, no code as `none`), its latency and stages.

import { describe, expect, it } from 'vitest';
import { builtinCodec, fromJson } from '../../src/codec/index.js';
import { TIMED_STAGES, TxnContext, TxnMetrics, type TxnKind } from '../../src/switch/index.js';
import { IdSource, TraceRecord } from '../../src/trace/index.js';

const CODEC = builtinCodec('iso87ascii');

/** A finished transaction of `kind` answered `rc`, received at 1000 µs, its stages 10 µs each from there, ready at 1100 µs. */
function finished(kind: TxnKind, rc: string, stages = ['validate', 'dedupe', 'route', 'authorize', 'respond']): TxnContext {
  const trace = new TraceRecord(new IdSource(), 'iso8583 0100', 1000);
  let at = 1000;
  for (const name of stages) {
    const span = trace.startSpan(name, trace.root, at);
    if (name === 'authorize') trace.startSpan('issuer acme', span, at).end('ok', at + 5);
    span.end('ok', (at += 10));
  }
  trace.root.end('ok', at);
  const ctx = new TxnContext(trace, { connId: 'c1', remote: '127.0.0.1:1' }, 1000, fromJson(CODEC, { mti: '0100', fields: {} }), null);
  ctx.kind = kind;
  if (rc !== '') ctx.decide(rc, 'test');
  ctx.completedAtUs = at;
  return ctx;
}

function counts(m: TxnMetrics): Array<[string, string, number]> {
  const out: Array<[string, string, number]> = [];
  m.forEachCount((c, rc, n) => out.push([c, rc, n]));
  return out;
}

describe('TxnMetrics', () => {
  it('issue #16: counts each class and code as DE 39 carries it, odd codes as other and no code as none', () => {
    const m = new TxnMetrics();
    for (const [kind, rc] of [['authorization', '00'], ['authorization', '00'], ['authorization', 'Z9'], ['financial', '000'], ['reversal', '400'], ['network', '800'], ['unsupported', '12'], ['authorization', 'a1'], ['authorization', '1234'], ['authorization', '']] as const) {
      m.record(finished(kind, rc), 1100);
    }
    expect(counts(m)).toEqual([
      ['authorization', '00', 2], ['authorization', 'Z9', 1], ['authorization', 'other', 2], ['authorization', 'none', 1],
      ['financial', '000', 1], ['reversal', '400', 1], ['network', '800', 1], ['unsupported', '12', 1],
    ]);
    expect(m.duration.count).toBe(10);
    expect(m.duration.sum).toBeCloseTo(10 * 100e-6, 12);
  });

  it('issue #16: times each stage that ran from its span (a child span inside its stage), and the commit phase to the answer', () => {
    const m = new TxnMetrics();
    m.record(finished('authorization', '00'), 1080);
    m.record(finished('authorization', '14', ['validate', 'respond']), 1080);
    const observed = TIMED_STAGES.map((_, i) => [m.stages[i].count, Math.round(m.stages[i].sum * 1e6)]);
    expect(Object.fromEntries(TIMED_STAGES.map((s, i) => [s, observed[i]]))).toEqual({
      validate: [2, 20], dedupe: [1, 10], route: [1, 10], authorize: [1, 10], respond: [2, 20], commit: [2, 90],
    });
    expect([m.duplicates, m.formatErrors]).toEqual([0, 0]);
  });
});
