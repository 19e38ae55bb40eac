// The stage pipeline through Switch.handle with a small env: stage timings and spans, error
// containment (RC 96, respond still runs), issuer errors (91), frames that get no answer, and
// duplicates that reach the issuer once.

import { describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../src/codec/index.js';
import { IssuerError, type IssuerBackend } from '../../src/common/index.js';
import { BinTable, STAGES } from '../../src/switch/index.js';
import { CONN, testSwitch } from '../helpers/switch-env.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, networkFields, originalData, purchaseFields } from '../helpers/terminal.js';

const APPROVING = cardFor('00');
const ALL = ['validate', 'dedupe', 'route', 'authorize', 'respond'];

function purchase(t: ReturnType<typeof testSwitch>, amount = 1_000): IsoMessage {
  return message(t.env.codec, '0100', purchaseFields(APPROVING.pan, APPROVING.expiry, amount));
}

/** An issuer whose authorize fails with `err`. */
function failingIssuer(err: Error): IssuerBackend<IsoMessage> {
  return { name: 'stub', authorize: () => Promise.reject(err), reverse: () => Promise.reject(err), close: async () => {} };
}

describe('Switch.handle pipeline', () => {
  it('runs validate, dedupe, route, authorize in that order, then respond', () => {
    expect(STAGES.map(([name]) => name)).toEqual(ALL.slice(0, 4));
  });

  it('records every stage as a child span of the root and in the audit record, in order and ended ok', async () => {
    const t = testSwitch();
    const res = await t.answer(purchase(t));
    expect(res?.get(39)).toBe('00');
    const [trace] = t.traces.traces;
    expect(trace.root).toMatchObject({ name: 'iso8583 0100', status: 'ok', parentSpanId: null });
    const children = trace.spans.slice(1);
    expect(children.map((s) => [s.name, s.parentSpanId, s.status])).toEqual(ALL.map((n) => [n, trace.root.spanId, 'ok']));
    for (const s of children) expect(s.startUs >= trace.root.startUs && s.endUs >= s.startUs && s.endUs <= trace.root.endUs).toBe(true);
    const stages = t.audit.records[0].stages as Array<{ name: string; start_us: number; duration_us: number; status: string }>;
    expect(stages.map((s) => [s.name, s.status])).toEqual(ALL.map((n) => [n, 'ok']));
    for (let i = 0; i < stages.length; i++) {
      expect(stages[i].duration_us).toBeGreaterThanOrEqual(0);
      if (i > 0) expect(stages[i].start_us).toBeGreaterThanOrEqual(stages[i - 1].start_us + stages[i - 1].duration_us);
    }
  });

  it.each([
    ['synchronously in route', 'route'],
    ['asynchronously in authorize', 'authorize'],
  ] as const)('answers 96, still responds and marks the span when a stage throws %s', async (_how, stage) => {
    const routes = new BinTable([{ bin: APPROVING.pan.slice(0, 6), issuer: 'stub' }]);
    if (stage === 'route') {
      routes.lookup = () => {
        throw new Error('boom in lookup');
      };
    }
    const t = testSwitch({ routes }, stage === 'authorize' ? { stub: failingIssuer(new Error('boom in issuer')) } : {});
    const req = purchase(t);
    const res = await t.answer(req);
    expect([res?.mti, res?.get(39), res?.get(11), res?.has(38)]).toEqual(['0110', '96', req.get(11), false]);
    const [trace] = t.traces.traces;
    expect(trace.spans.slice(1).map((s) => s.name)).toEqual([...ALL.slice(0, ALL.indexOf(stage) + 1), 'respond']);
    const failed = trace.spans.find((s) => s.name === stage)!;
    expect([failed.status, failed.attributes['error.code']]).toEqual(['error', 'SWITCH_INTERNAL']);
    expect(trace.root.status).toBe('error');
    expect(t.log.events('txn.stage_failed')).toMatchObject([{ level: 'error', stage }]);
    expect(t.log.events('txn.done')).toMatchObject([{ rc: '96', err: { code: 'SWITCH_INTERNAL' } }]);
  });

  it.each(['ISSUER_TIMEOUT', 'ISSUER_UNAVAILABLE'] as const)('answers 91 when the issuer rejects with IssuerError %s', async (code) => {
    const t = testSwitch({}, { stub: failingIssuer(new IssuerError(code, 'no answer')) });
    const res = await t.answer(purchase(t));
    expect([res?.mti, res?.get(39)]).toEqual(['0110', '91']);
    const authorize = t.traces.traces[0].spans.find((s) => s.name === 'authorize')!;
    expect([authorize.status, authorize.attributes['error.code']]).toEqual(['error', code]);
    expect(t.log.events('txn.done')).toMatchObject([{ rc: '91', err: { code } }]);
    expect(t.log.events('txn.stage_failed')).toEqual([]);
  });

  it('answers 91 when a route names an issuer that is not configured', async () => {
    const t = testSwitch({ routes: new BinTable([{ bin: APPROVING.pan.slice(0, 6), issuer: 'elsewhere' }]) });
    expect((await t.answer(purchase(t)))?.get(39)).toBe('91');
  });

  it('runs only validate and respond when validate decides', async () => {
    const t = testSwitch();
    const res = await t.answer(message(t.env.codec, '0100', purchaseFields(cardFor('14', 'Luhn').pan, null)));
    expect(res?.get(39)).toBe('14');
    expect(t.traces.traces[0].spans.slice(1).map((s) => s.name)).toEqual(['validate', 'respond']);
  });

  it('answers 96 and writes no answer the audit log lacks when the audit append fails', async () => {
    const t = testSwitch();
    t.audit.failWith = Object.assign(new Error('disk full'), { code: 'AUDIT_WRITE_FAILED' });
    const res = await t.answer(purchase(t));
    expect(res?.get(39)).toBe('96');
    expect(t.log.events('txn.audit_failed')).toMatchObject([{ level: 'error', err: { code: 'AUDIT_WRITE_FAILED' } }]);
  });
});

describe('Switch.handle with frames that get no answer', () => {
  it('drops a frame whose MTI cannot be read and counts it', async () => {
    const t = testSwitch();
    expect(await t.sw.handle(Buffer.from('X100'), CONN)).toBeNull();
    expect(t.sw.counters).toMatchObject({ unreadable: 1, transactions: 0 });
    expect(t.log.events('txn.unreadable')).toMatchObject([{ level: 'warn', err: { code: 'CODEC_BAD_MTI' } }]);
  });

  it('drops an unsolicited response and counts it', async () => {
    const t = testSwitch();
    expect(await t.answer(message(t.env.codec, '0110', { 11: '000001', 39: '00' }))).toBeNull();
    expect(t.sw.counters).toMatchObject({ unsolicitedResponses: 1, transactions: 0 });
  });

  it('answers 30 with what it could read when decoding fails past the MTI', async () => {
    const t = testSwitch();
    const bytes = t.env.codec.pack(message(t.env.codec, '0800', networkFields('301', { 11: '000777' })));
    const res = t.env.codec.unpack((await t.sw.handle(Buffer.concat([bytes, Buffer.from('!')]), CONN))!);
    expect([res.mti, res.get(11), res.get(39)]).toEqual(['0810', '000777', '30']);
    expect(t.audit.records[0].error).toMatchObject({ code: 'CODEC_TRAILING_BYTES' });
  });
});

describe('Switch.handle with duplicates and reversals', () => {
  it('asks the issuer once for a request repeated after its answer, and sends the same bytes', async () => {
    const t = testSwitch();
    const before = t.stub.availableMinor(APPROVING.pan)!;
    const frame = t.env.codec.pack(purchase(t, 2_500));
    const first = await t.sw.handle(frame, CONN);
    const second = await t.sw.handle(frame, CONN);
    expect(second!.equals(first!)).toBe(true);
    expect(t.stub.availableMinor(APPROVING.pan)).toBe(before - 2_500);
    expect(t.traces.traces[1].root.attributes['isotrace.duplicate']).toBe(true);
  });

  it('asks the issuer once for repeats that arrive while the first is in flight', async () => {
    const t = testSwitch();
    const before = t.stub.availableMinor(APPROVING.pan)!;
    const frame = t.env.codec.pack(purchase(t, 2_500));
    const answers = await Promise.all([0, 1, 2].map(() => t.sw.handle(frame, CONN)));
    expect(answers.every((a) => a!.equals(answers[0]!))).toBe(true);
    expect(t.stub.availableMinor(APPROVING.pan)).toBe(before - 2_500);
    expect(t.log.events('txn.done').map((l) => l.duplicate)).toEqual([false, true, true]);
  });

  it('issue #13: handles anew a repeat that waited on a first answered 96 for want of its audit record', async () => {
    const t = testSwitch();
    const write = t.audit.append.bind(t.audit);
    let failures = 1;
    t.audit.append = (json) => (failures-- > 0 ? Promise.reject(Object.assign(new Error('disk full'), { code: 'AUDIT_WRITE_FAILED' })) : write(json));
    const before = t.stub.availableMinor(APPROVING.pan)!;
    const frame = t.env.codec.pack(purchase(t, 2_500));
    const [first, second] = (await Promise.all([0, 1].map(() => t.sw.handle(frame, CONN)))).map((b) => t.env.codec.unpack(b!));
    expect([first.get(39), second.get(39), second.has(38)]).toEqual(['96', '00', true]);
    expect(t.log.events('txn.done').map((l) => [l.rc, l.duplicate])).toEqual([['96', false], ['00', false]]);
    expect(t.stub.availableMinor(APPROVING.pan)).toBe(before - 2_500);
    expect(t.traces.traces[1].root.attributes['isotrace.duplicate']).toBeUndefined();
    const third = await t.sw.handle(frame, CONN);
    expect(t.env.codec.unpack(third!).get(38)).toBe(second.get(38));
    expect(t.log.events('txn.done').at(-1)).toMatchObject({ duplicate: true });
  });

  it('releases the hold once for an 0400 after an approval, and not again for a second reversal', async () => {
    const t = testSwitch();
    const before = t.stub.availableMinor(APPROVING.pan)!;
    const req = purchase(t, 2_500);
    await t.answer(req);
    const reversal = (): IsoMessage => message(t.env.codec, '0400', { ...purchaseFields(APPROVING.pan, null, 2_500), 90: originalData(req) });
    expect((await t.answer(reversal()))?.get(39)).toBe('00');
    expect(t.stub.availableMinor(APPROVING.pan)).toBe(before);
    await t.answer(purchase(t, 1_000));
    expect((await t.answer(reversal()))?.get(39)).toBe('00');
    expect(t.stub.availableMinor(APPROVING.pan)).toBe(before - 1_000);
  });
});

describe('Switch.handle with concurrent reversals', () => {
  it('acknowledges both with 00 and releases once when an 0400 and an 0420 for one original arrive together', async () => {
    const t = testSwitch();
    const before = t.stub.availableMinor(APPROVING.pan)!;
    const req = purchase(t, 2_500);
    expect((await t.answer(req))?.get(39)).toBe('00');
    const frames = ['0400', '0420'].map((mti) => t.env.codec.pack(message(t.env.codec, mti, { ...purchaseFields(APPROVING.pan, null, 2_500), 90: originalData(req) })));
    const answers = await Promise.all(frames.map((f) => t.sw.handle(f, CONN)));
    expect(answers.map((a) => t.env.codec.unpack(a!)).map((m) => [m.mti, m.get(39)])).toEqual([['0410', '00'], ['0430', '00']]);
    expect(t.stub.availableMinor(APPROVING.pan)).toBe(before);
  });
});
