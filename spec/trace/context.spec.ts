// W3C traceparent (version 00): formatting, parsing and what parsing refuses; a trace record that
// continues a remote parent, and its export as a child of that parent.

import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpSink, formatTraceparent, IdSource, parseTraceparent, TraceRecord, TRACEPARENT_LENGTH } from '../../src/trace/index.js';
import { OtlpReceiver } from './helpers/otlp-receiver.js';
import { STAGES, T0_US } from './helpers/traces.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('formatTraceparent', () => {
  it('writes version 00, the ids and the sampled flag when given ids', () => {
    expect(formatTraceparent(TRACE_ID, SPAN_ID, true)).toBe(VALID);
    expect(formatTraceparent(TRACE_ID, SPAN_ID, false)).toBe(`00-${TRACE_ID}-${SPAN_ID}-00`);
    expect(VALID).toHaveLength(TRACEPARENT_LENGTH);
  });

  it('round-trips through parseTraceparent when the ids come from an IdSource', () => {
    const ids = new IdSource();
    const [traceId, spanId] = [ids.traceId(), ids.spanId()];
    expect(parseTraceparent(formatTraceparent(traceId, spanId, false))).toEqual({ traceId, spanId, isSampled: false });
  });
});

describe('parseTraceparent', () => {
  it('reads the trace id, the parent span id and the sampled bit when the text is valid', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, isSampled: true });
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-03`)?.isSampled).toBe(true);
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-02`)?.isSampled).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['short by one', VALID.slice(0, -1)],
    ['long by one', `${VALID}0`],
    ['another version', `01-${TRACE_ID}-${SPAN_ID}-01`],
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['uppercase trace id', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['uppercase flags', `00-${TRACE_ID}-${SPAN_ID}-0A`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['a non-hex digit', `00-${TRACE_ID.slice(0, 31)}g-${SPAN_ID}-01`],
    ['underscores for dashes', `00_${TRACE_ID}_${SPAN_ID}_01`],
    ['a dash moved', `00-${TRACE_ID.slice(0, 31)}-${TRACE_ID[31]}${SPAN_ID.slice(1)}-01`],
    ['non-hex flags', `00-${TRACE_ID}-${SPAN_ID}-0x`],
  ])('refuses %s', (_what, text) => {
    expect(parseTraceparent(text)).toBeNull();
  });
});

describe('TraceRecord with a remote parent', () => {
  it('takes the remote trace id and keeps the parent when continuing a trace', () => {
    const parent = { traceId: TRACE_ID, spanId: SPAN_ID, isSampled: true };
    const trace = new TraceRecord(new IdSource(), 'iso8583 0100', T0_US, parent);
    expect(trace.traceId).toBe(TRACE_ID);
    expect(trace.remoteParent).toBe(parent);
    expect(trace.root.parentSpanId).toBeNull(); // no local parent: the root is still the process's root
    expect(trace.root.spanId).not.toBe(SPAN_ID);
  });

  it('has no remote parent when none is given', () => {
    expect(new TraceRecord(new IdSource(), 'msg').remoteParent).toBeNull();
  });
});

describe('OTLP export of a continued trace', () => {
  async function exported(isSampled: boolean, sampleRatio: number): Promise<{ receiver: OtlpReceiver; trace: TraceRecord; flush: () => Promise<void> }> {
    const receiver = await OtlpReceiver.start(0);
    cleanups.push(() => receiver.close());
    const sink = createOtlpSink({ endpoint: receiver.endpoint, sampleRatio, batchSize: 1 });
    cleanups.push(() => sink.shutdown());
    const trace = new TraceRecord(new IdSource(), 'iso8583 0100', T0_US, { traceId: TRACE_ID, spanId: SPAN_ID, isSampled });
    for (const name of STAGES) trace.startSpan(name, trace.root, T0_US + 1).end('ok', T0_US + 2);
    trace.root.end('ok', T0_US + 3);
    sink.export(trace);
    return { receiver, trace, flush: () => sink.flush() };
  }

  it('exports the root as a child of the remote span, stages as children of the root', async () => {
    const { receiver, trace } = await exported(true, 1);
    await receiver.untilRequests(1);
    const spans = receiver.requests.flatMap((r) => r.spans);
    expect(spans.every((s) => s.traceId === TRACE_ID)).toBe(true);
    const root = spans.find((s) => s.spanId === trace.root.spanId)!;
    expect(root.parentSpanId).toBe(SPAN_ID);
    expect(spans.filter((s) => s !== root).every((s) => s.parentSpanId === trace.root.spanId)).toBe(true);
  });

  it('follows the remote sampled flag rather than the ratio when continuing a trace', async () => {
    const sampled = await exported(true, 0);
    await sampled.receiver.untilRequests(1);
    expect(sampled.receiver.requests.flatMap((r) => r.spans).length).toBe(1 + STAGES.length);
    const unsampled = await exported(false, 1);
    await unsampled.flush();
    expect(unsampled.receiver.requests).toHaveLength(0);
  });
});
