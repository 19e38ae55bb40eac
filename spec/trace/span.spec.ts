// TraceRecord and SpanRecord: the plain span records the switch fills while a message runs.

import { describe, expect, it } from 'vitest';
import { IdSource, NOOP_TRACE_SINK, nowUs, SpanRecord, TraceRecord } from '../../src/trace/index.js';
import { FixedIds } from './helpers/traces.js';

const TRACE_ID = 'aaaabbbbccccdddd0123456789abcdef';

describe('TraceRecord', () => {
  it('takes its trace id from the IdSource and puts the root span first when created', () => {
    const trace = new TraceRecord(new FixedIds([TRACE_ID]), 'iso8583 0100', 1_000);
    expect(trace.traceId).toBe(TRACE_ID);
    expect(trace.spans).toEqual([trace.root]);
    expect(trace.root).toBeInstanceOf(SpanRecord);
    expect(trace.root.name).toBe('iso8583 0100');
    expect(trace.root.parentSpanId).toBeNull();
    expect(trace.root.startUs).toBe(1_000);
    expect(trace.root.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('starts the root now when no start time is given', () => {
    const before = nowUs();
    const trace = new TraceRecord(new IdSource(), 'msg');
    const after = nowUs();
    expect(trace.root.startUs).toBeGreaterThanOrEqual(before);
    expect(trace.root.startUs).toBeLessThanOrEqual(after);
  });

  it('makes a child of the root when startSpan is given no parent', () => {
    const trace = new TraceRecord(new IdSource(), 'msg', 1_000);
    const child = trace.startSpan('validate', undefined, 1_010);
    expect(child.parentSpanId).toBe(trace.root.spanId);
    expect(child.startUs).toBe(1_010);
    expect(child.name).toBe('validate');
  });

  it('issue #16: makes the root a server span and its children internal ones, a kind a span may change', () => {
    const trace = new TraceRecord(new IdSource(), 'iso8583 0100', 1000);
    const stage = trace.startSpan('authorize', trace.root, 1001);
    const call = trace.startSpan('issuer acme', stage, 1002);
    call.kind = 'client';
    expect([trace.root.kind, stage.kind, call.kind]).toEqual(['server', 'internal', 'client']);
  });

  it('links a span to the given parent when stages nest', () => {
    const trace = new TraceRecord(new IdSource(), 'msg', 1_000);
    const authorize = trace.startSpan('authorize', trace.root, 1_010);
    const issuerCall = trace.startSpan('issuer.call', authorize, 1_011);
    expect(issuerCall.parentSpanId).toBe(authorize.spanId);
    expect(authorize.parentSpanId).toBe(trace.root.spanId);
  });

  it('keeps every span in start order with distinct span ids when stages run', () => {
    const trace = new TraceRecord(new IdSource(), 'msg', 1_000);
    const names = ['validate', 'dedupe', 'route', 'authorize', 'respond'];
    for (const name of names) trace.startSpan(name);
    expect(trace.spans.map((s) => s.name)).toEqual(['msg', ...names]);
    expect(new Set(trace.spans.map((s) => s.spanId)).size).toBe(6);
  });

  it('draws a span id only when it is first read, and keeps it', () => {
    const ids = new FixedIds([TRACE_ID]);
    const trace = new TraceRecord(ids, 'msg', 1_000);
    const child = trace.startSpan('validate');
    const drawnBefore = ids.drawn;
    const first = child.spanId;
    expect(ids.drawn).toBe(drawnBefore + 1);
    expect(child.spanId).toBe(first);
    expect(child.parentSpanId).toBe(trace.root.spanId);
    expect(ids.drawn).toBe(drawnBefore + 2);
    expect(trace.root.spanId).toBe(child.parentSpanId);
    expect(ids.drawn).toBe(drawnBefore + 2);
  });

  it('starts a span now when no start time is given', () => {
    const trace = new TraceRecord(new IdSource(), 'msg');
    const before = nowUs();
    const span = trace.startSpan('route');
    expect(span.startUs).toBeGreaterThanOrEqual(before);
    expect(span.startUs).toBeLessThanOrEqual(nowUs());
  });
});

describe('SpanRecord', () => {
  it('is open with status unset and no attributes when started', () => {
    const span = new SpanRecord('route', new IdSource(), null, 5);
    expect(span.endUs).toBe(0);
    expect(span.status).toBe('unset');
    expect(span.attributes).toEqual({});
  });

  it('ends now with status ok when end() is called without arguments', () => {
    const span = new SpanRecord('route', new IdSource(), null, nowUs());
    const before = nowUs();
    span.end();
    expect(span.status).toBe('ok');
    expect(span.endUs).toBeGreaterThanOrEqual(before);
    expect(span.endUs).toBeLessThanOrEqual(nowUs());
  });

  it('takes the given status and end time when end() is called with them', () => {
    const span = new SpanRecord('authorize', new IdSource(), null, 100);
    span.setAttribute('error.code', 'ISSUER_TIMEOUT');
    span.end('error', 250);
    expect(span).toMatchObject({ status: 'error', endUs: 250, startUs: 100, attributes: { 'error.code': 'ISSUER_TIMEOUT' } });
  });

  it('gives the attribute object its own identity per span when two spans are made', () => {
    const a = new SpanRecord('a', new IdSource(), null, 1);
    const b = new SpanRecord('b', new IdSource(), null, 1);
    a.setAttribute('iso.mti', '0100');
    expect(b.attributes).toEqual({});
  });
});

describe('nowUs', () => {
  it('reads wall-clock microseconds that never go backwards when called repeatedly', () => {
    const wall = Date.now() * 1000;
    let last = nowUs();
    expect(Math.abs(last - wall)).toBeLessThan(1_000_000);
    for (let i = 0; i < 10_000; i++) {
      const t = nowUs();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });
});

describe('NOOP_TRACE_SINK', () => {
  it('accepts traces and shuts down without doing anything when no exporter is configured', async () => {
    expect(NOOP_TRACE_SINK.export(new TraceRecord(new IdSource(), 'msg'))).toBeUndefined();
    await expect(NOOP_TRACE_SINK.shutdown()).resolves.toBeUndefined();
  });
});
