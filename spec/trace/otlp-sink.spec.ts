// OtlpSink against a real OTLP/HTTP receiver on 127.0.0.1: the spans on the wire, sampling,
// export off the caller's path, failures, the bounded queue and shutdown.

import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/index.js';
import { createOtlpSink, IdSource, TraceRecord, type OtlpSink, type OtlpSinkOptions } from '../../src/trace/index.js';
import { CaptureLogger } from './helpers/capture-logger.js';
import { OtlpReceiver } from './helpers/otlp-receiver.js';
import { messageTrace, ROOT_ATTRIBUTES, STAGES, T0_US } from './helpers/traces.js';

const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_SERVER = 2;
const STATUS_OK = 1;
const STATUS_ERROR = 2;
/** Long enough that no interval flush happens during a test unless the test wants one. */
const NEVER_MS = 600_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startReceiver(port = 0): Promise<OtlpReceiver> {
  const receiver = await OtlpReceiver.start(port);
  cleanups.push(() => receiver.close());
  return receiver;
}

function startSink(options: OtlpSinkOptions): OtlpSink {
  const sink = createOtlpSink(options);
  cleanups.push(() => sink.shutdown());
  return sink;
}

function traces(count: number): TraceRecord[] {
  const ids = new IdSource();
  return Array.from({ length: count }, () => messageTrace(ids));
}

describe('createOtlpSink', () => {
  it('sends one SERVER root span with our trace id and an INTERNAL child per stage when a trace is exported', async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, serviceName: 'isotrace-test', batchSize: 1 });
    const [trace] = traces(1);
    sink.export(trace);
    await receiver.untilTraces(1);
    await sink.flush();

    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v1/traces', contentType: 'application/x-protobuf', contentEncoding: '' });
    expect(req.request.resourceSpans).toHaveLength(1);
    const [resourceSpans] = req.request.resourceSpans;
    expect(resourceSpans.resourceAttributes['service.name']).toBe('isotrace-test');
    expect(resourceSpans.scopeSpans.map((s) => s.scopeName)).toEqual(['isotrace']);

    const spans = req.spans;
    expect(spans).toHaveLength(1 + STAGES.length);
    expect(spans.every((s) => s.traceId === trace.traceId)).toBe(true);
    const roots = spans.filter((s) => s.parentSpanId === '');
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatchObject({ name: 'iso8583 0100', spanId: trace.root.spanId, kind: SPAN_KIND_SERVER, statusCode: STATUS_OK });
    const children = spans.filter((s) => s.parentSpanId !== '');
    expect(children.map((s) => s.name)).toEqual([...STAGES]);
    expect(children.map((s) => s.spanId)).toEqual(trace.spans.slice(1).map((s) => s.spanId));
    for (const child of children) {
      expect(child).toMatchObject({ parentSpanId: trace.root.spanId, kind: SPAN_KIND_INTERNAL, statusCode: STATUS_OK });
    }
    expect(sink.stats()).toMatchObject({ sampled: 1, exportedTraces: 1, exportedSpans: 6, failedTraces: 0, dropped: 0, queued: 0 });
  });

  it('carries the switch attributes and error status as OTLP values when spans set them', async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 1 });
    const trace = new TraceRecord(new IdSource(), 'iso8583 0100', T0_US);
    for (const [k, v] of Object.entries({ ...ROOT_ATTRIBUTES, 'iso.response_code': '91', 'net.peer.port': 8583, 'iso.is_repeat': false })) trace.root.setAttribute(k, v);
    const authorize = trace.startSpan('authorize', trace.root, T0_US + 5);
    authorize.setAttribute('error.code', 'ISSUER_TIMEOUT');
    authorize.setAttribute('issuer.wait_ms', 30000.5);
    authorize.end('error', T0_US + 30);
    trace.root.end('ok', T0_US + 40);
    sink.export(trace);
    await receiver.untilTraces(1);

    const [root, child] = receiver.spans();
    expect(root.attributes).toEqual({ ...ROOT_ATTRIBUTES, 'iso.response_code': '91', 'net.peer.port': 8583, 'iso.is_repeat': false });
    expect(child.attributes).toEqual({ 'error.code': 'ISSUER_TIMEOUT', 'issuer.wait_ms': 30000.5 });
    expect(child.statusCode).toBe(STATUS_ERROR);
  });

  it('sends start and end as Unix nanoseconds from startUs and endUs when spans are exported', async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 1 });
    const [trace] = traces(1);
    sink.export(trace);
    await receiver.untilTraces(1);

    const byId = new Map(receiver.spans().map((s) => [s.spanId, s]));
    for (const span of trace.spans) {
      const sent = byId.get(span.spanId)!;
      expect(sent.startTimeUnixNano).toBe(BigInt(span.startUs) * 1000n);
      expect(sent.endTimeUnixNano).toBe(BigInt(span.endUs) * 1000n);
    }
    expect(byId.get(trace.root.spanId)!.startTimeUnixNano).toBe(1_700_000_000_000_123_000n);
  });

  it("ends a span that was never ended at its root's end when the trace is exported", async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 1 });
    const trace = new TraceRecord(new IdSource(), 'iso8583 0100', T0_US);
    trace.startSpan('respond', trace.root, T0_US + 10);
    trace.root.end('ok', T0_US + 50);
    sink.export(trace);
    await receiver.untilTraces(1);

    const child = receiver.spans().find((s) => s.name === 'respond')!;
    expect(child.endTimeUnixNano).toBe(BigInt(T0_US + 50) * 1000n);
    expect(child.statusCode).toBe(0);
  });

  it('links a nested span to its own parent when a stage has a child span', async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 1 });
    const trace = new TraceRecord(new IdSource(), 'iso8583 0100', T0_US);
    const authorize = trace.startSpan('authorize', trace.root, T0_US + 1);
    const call = trace.startSpan('issuer.call', authorize, T0_US + 2);
    call.end('ok', T0_US + 8);
    authorize.end('ok', T0_US + 9);
    trace.root.end('ok', T0_US + 10);
    sink.export(trace);
    await receiver.untilTraces(1);

    const sent = receiver.spans().find((s) => s.name === 'issuer.call')!;
    expect(sent).toMatchObject({ spanId: call.spanId, parentSpanId: authorize.spanId, kind: SPAN_KIND_INTERNAL });
  });

  it('posts to <endpoint>/v1/traces when the endpoint has a trailing slash or already names that path', async () => {
    const receiver = await startReceiver();
    const withSlash = startSink({ endpoint: `${receiver.endpoint}/`, sampleRatio: 1, batchSize: 1 });
    const withPath = startSink({ endpoint: `${receiver.endpoint}/v1/traces`, sampleRatio: 1, batchSize: 1 });
    const [a, b] = traces(2);
    withSlash.export(a);
    withPath.export(b);
    await receiver.untilTraces(2);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/v1/traces', '/v1/traces']);
  });
});

describe('OtlpSink sampling', () => {
  it('sends nothing when the ratio is 0', async () => {
    const receiver = await startReceiver();
    const sink = createOtlpSink({ endpoint: receiver.endpoint, sampleRatio: 0, batchSize: 1 });
    cleanups.push(() => sink.shutdown());
    for (const trace of traces(200)) sink.export(trace);
    await sink.shutdown();
    expect(receiver.requests).toHaveLength(0);
    expect(receiver.connections).toBe(0);
    expect(sink.stats()).toMatchObject({ sampled: 0, exportedTraces: 0, dropped: 0 });
  });

  it('sends every trace exactly once when the ratio is 1', async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 64 });
    const all = traces(500);
    for (const trace of all) sink.export(trace);
    await sink.shutdown();
    expect(receiver.rootTraceIds().sort()).toEqual(all.map((t) => t.traceId).sort());
    expect(receiver.requests.length).toBeGreaterThanOrEqual(Math.ceil(500 / 64));
    expect(receiver.spans()).toHaveLength(500 * 6);
    expect(sink.stats()).toMatchObject({ sampled: 500, exportedTraces: 500, exportedSpans: 3000, dropped: 0 });
  });

  it('sends about half of 2,000 traces, the same ones every time, when the ratio is 0.5', async () => {
    const all = traces(2000);
    const sent: string[][] = [];
    for (let round = 0; round < 2; round++) {
      const receiver = await startReceiver();
      const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 0.5, batchSize: 256, maxQueue: 2048 });
      for (const trace of all) sink.export(trace);
      await sink.shutdown();
      sent.push(receiver.rootTraceIds().sort());
      expect(sink.stats().exportedTraces).toBe(sent[round].length);
    }
    // Binomial(2000, 0.5): sd ≈ 22, so 850..1150 is a band of almost 7 sd each way.
    expect(sent[0].length).toBeGreaterThan(850);
    expect(sent[0].length).toBeLessThan(1150);
    expect(sent[1]).toEqual(sent[0]);
  });
});

describe('OtlpSink off the hot path', () => {
  it('returns from export() before any byte reaches the receiver, then sends', async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 1 });
    for (const trace of traces(100)) sink.export(trace);
    // Still inside the caller's synchronous turn: no connection, no request, nothing converted.
    expect(receiver.connections).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    expect(sink.stats()).toMatchObject({ sampled: 100, queued: 100, exportedTraces: 0 });
    await receiver.untilTraces(100);
    expect(sink.stats()).toMatchObject({ queued: 0 });
  });

  it('sends a partial batch on the flush interval when the batch does not fill', async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 100, flushIntervalMs: 20 });
    for (const trace of traces(3)) sink.export(trace);
    await receiver.untilTraces(3);
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('OtlpSink failures', () => {
  it('logs and counts a batch the collector answers 500, and sends the next batch', async () => {
    const receiver = await startReceiver();
    receiver.statuses.push(500);
    const logger = new CaptureLogger();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 5, flushIntervalMs: NEVER_MS, logger });
    const [first, second] = [traces(5), traces(5)];
    for (const trace of first) expect(() => sink.export(trace)).not.toThrow();
    const line = await logger.next('trace.export_failed');
    expect(line).toMatchObject({ level: 'warn', evt: 'trace.export_failed', traces: 5, batches: 1, failedTraces: 5 });
    expect(sink.stats()).toMatchObject({ failedTraces: 5, failedBatches: 1, exportedTraces: 0 });

    for (const trace of second) sink.export(trace);
    await sink.flush();
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(receiver.rootTraceIds()).toEqual(second.map((t) => t.traceId));
    expect(sink.stats()).toMatchObject({ failedTraces: 5, exportedTraces: 5 });
  });

  it('logs and counts batches while the collector is down, and sends again once it is back', async () => {
    const gone = await startReceiver();
    const port = gone.port;
    await gone.close();
    const logger = new CaptureLogger();
    const sink = startSink({ endpoint: `http://127.0.0.1:${port}`, sampleRatio: 1, batchSize: 3, exportTimeoutMs: 300, flushIntervalMs: NEVER_MS, logger });
    for (const trace of traces(3)) expect(() => sink.export(trace)).not.toThrow();
    const line = await logger.next('trace.export_failed');
    expect(line).toMatchObject({ level: 'warn', traces: 3, failedTraces: 3 });
    expect(String(line.reason)).not.toMatch(/iso\.|0100|TERM0001/);
    expect(sink.stats()).toMatchObject({ failedTraces: 3, failedBatches: 1 });

    const back = await startReceiver(port);
    const later = traces(3);
    for (const trace of later) sink.export(trace);
    await sink.flush();
    expect(back.rootTraceIds()).toEqual(later.map((t) => t.traceId));
    expect(sink.stats()).toMatchObject({ failedTraces: 3, exportedTraces: 3 });
  });

  it('drops and counts traces past maxQueue and sends the ones it kept', async () => {
    const receiver = await startReceiver();
    const logger = new CaptureLogger();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, maxQueue: 10, batchSize: 10, flushIntervalMs: NEVER_MS, logger });
    const all = traces(25);
    for (const trace of all) sink.export(trace);
    expect(sink.stats()).toMatchObject({ sampled: 25, queued: 10, dropped: 15 });

    await sink.shutdown();
    expect(receiver.rootTraceIds()).toEqual(all.slice(0, 10).map((t) => t.traceId));
    expect(logger.events('trace.dropped')).toEqual([expect.objectContaining({ level: 'warn', traces: 15, droppedTotal: 15, maxQueue: 10 })]);
  });
});

describe('OtlpSink.flush', () => {
  it('sends a partial batch at once and resolves after the collector answered', async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 50, flushIntervalMs: NEVER_MS });
    for (const trace of traces(3)) sink.export(trace);
    await sink.flush();
    expect(receiver.rootTraceIds()).toHaveLength(3);
    expect(sink.stats()).toMatchObject({ queued: 0, exportedTraces: 3 });
    for (const trace of traces(2)) sink.export(trace);
    await sink.flush();
    expect(receiver.requests).toHaveLength(2);
    expect(sink.stats().exportedTraces).toBe(5);
  });
});

describe('OtlpSink.shutdown', () => {
  it('sends every queued trace before it resolves', async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 4, flushIntervalMs: NEVER_MS });
    const all = traces(7);
    for (const trace of all) sink.export(trace);
    await sink.shutdown();
    expect(receiver.rootTraceIds().sort()).toEqual(all.map((t) => t.traceId).sort());
    expect(sink.stats()).toMatchObject({ queued: 0, exportedTraces: 7 });
  });

  it('drops and counts traces exported after shutdown, and returns the same promise when called twice', async () => {
    const receiver = await startReceiver();
    const sink = startSink({ endpoint: receiver.endpoint, sampleRatio: 1, batchSize: 1 });
    const first = sink.shutdown();
    expect(sink.shutdown()).toBe(first);
    await first;
    sink.export(traces(1)[0]);
    expect(sink.stats()).toMatchObject({ sampled: 1, dropped: 1, queued: 0 });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('OtlpSink.shutdown with the collector down', () => {
  /** A TCP port that accepts connections and never answers. */
  async function blackHole(): Promise<string> {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** A port that refuses connections: it was bound, then closed. */
  async function refusing(): Promise<string> {
    const gone = await startReceiver();
    const port = gone.port;
    await gone.close();
    return `http://127.0.0.1:${port}`;
  }

  // The bound is the test's timeout: the exporter alone would wait 10 s (its export timeout, with retries).
  it.each([
    ['accepts connections and never answers', blackHole],
    ['refuses connections', refusing],
  ])('issue #13: resolves after shutdownTimeoutMs, logging the traces lost, when the collector %s', { timeout: 6_000 }, async (_what, collector) => {
    const logger = new CaptureLogger();
    const sink = startSink({ endpoint: await collector(), sampleRatio: 1, batchSize: 2, flushIntervalMs: NEVER_MS, shutdownTimeoutMs: 300, logger });
    for (const trace of traces(3)) sink.export(trace);
    await sink.shutdown();
    expect(logger.events('trace.shutdown_timeout')).toEqual([expect.objectContaining({ level: 'warn', traces: 3, timeoutMs: 300 })]);
    expect(sink.stats()).toMatchObject({ exportedTraces: 0, queued: 0 });
  });
});

describe('createOtlpSink options', () => {
  const base = { endpoint: 'http://127.0.0.1:4318', sampleRatio: 1 };
  it.each([
    ['no endpoint', { sampleRatio: 1 }, 'otlp.endpoint', 'otlp.endpoint: required: the collector base URL, e.g. http://127.0.0.1:4318'],
    ['a non-URL endpoint', { ...base, endpoint: 'collector:4318' }, 'otlp.endpoint', 'otlp.endpoint: expected an http:// or https:// URL, got the scheme collector:'],
    ['a grpc endpoint', { ...base, endpoint: 'grpc://127.0.0.1:4317' }, 'otlp.endpoint', 'otlp.endpoint: expected an http:// or https:// URL, got the scheme grpc:'],
    ['a ratio above 1', { ...base, sampleRatio: 1.5 }, 'otlp.sampleRatio', 'otlp.sampleRatio: expected a number in 0..1, got 1.5'],
    ['a ratio as text', { ...base, sampleRatio: '0.5' }, 'otlp.sampleRatio', 'otlp.sampleRatio: expected a number in 0..1, got "0.5"'],
    ['an empty service name', { ...base, serviceName: '' }, 'otlp.serviceName', 'otlp.serviceName: expected a name of 1..255 characters'],
    ['a zero shutdownTimeoutMs', { ...base, shutdownTimeoutMs: 0 }, 'otlp.shutdownTimeoutMs', 'otlp.shutdownTimeoutMs: expected an integer in 1..86400000, got 0'],
    ['resource attributes that are not strings', { ...base, resourceAttributes: { 'service.version': 2 } }, 'otlp.resourceAttributes', 'otlp.resourceAttributes: expected an object of string values'],
    ['a zero maxQueue', { ...base, maxQueue: 0 }, 'otlp.maxQueue', 'otlp.maxQueue: expected an integer in 1..1000000, got 0'],
    ['a batch above maxQueue', { ...base, maxQueue: 10, batchSize: 11 }, 'otlp.batchSize', 'otlp.batchSize: expected an integer in 1..10, got 11'],
    ['a fractional interval', { ...base, flushIntervalMs: 2.5 }, 'otlp.flushIntervalMs', 'otlp.flushIntervalMs: expected an integer in 1..86400000, got 2.5'],
    ['the SDK name url', { ...base, url: 'http://x' }, 'otlp.url', 'otlp.url: unknown option; it is now called endpoint'],
    ['the SDK name maxQueueSize', { ...base, maxQueueSize: 5 }, 'otlp.maxQueueSize', 'otlp.maxQueueSize: unknown option; it is now called maxQueue'],
  ])('throws ConfigError when given %s', (_what, options, path, message) => {
    let caught: unknown;
    try {
      createOtlpSink(options as unknown as OtlpSinkOptions);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ code: 'CONFIG_INVALID', path, message });
  });
});
