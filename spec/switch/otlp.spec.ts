// Spans of the real serve wiring exported to an OTLP/HTTP collector on 127.0.0.1: one root span per
// message named `iso8583 <MTI>` with the switch's attributes, one child per stage that ran, and
// trace ids that match the txn.done log lines.

import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../src/common/index.js';
import { decodeExportTraceServiceRequest, type AnyValue, type DecodedSpan } from '../helpers/protobuf.js';
import { OtlpCollector } from '../helpers/otlp-collector.js';
import { OtlpGrpcCollector } from '../helpers/otlp-grpc-collector.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, networkFields, purchaseFields, type Fields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

const ALL_STAGES = ['validate', 'dedupe', 'route', 'authorize', 'respond'];
/** OTLP's SpanKind and Status.code numbers. */
const KIND = { internal: 1, server: 2, client: 3 } as const;
const STATUS = { unset: 0, ok: 1, error: 2 } as const;

/** A collector and a switch exporting to it: through --otlp-endpoint, or through `env` when given. */
async function exporting(env?: (endpoint: string) => NodeJS.ProcessEnv): Promise<{ sw: Served; collector: OtlpCollector }> {
  const collector = await OtlpCollector.start();
  resources.add(() => collector.close());
  const flags = env === undefined ? { otlpEndpoint: collector.endpoint } : {};
  const sw = await serve(resources, { ...flags, issuerTimeoutMs: 200 }, env?.(collector.endpoint) ?? {});
  return { sw, collector };
}

/** Sends one request per entry, then stops the switch (which flushes the spans). */
async function run(sw: Served, requests: Array<[string, Fields]>): Promise<void> {
  const t = await sw.terminal();
  for (const [mti, fields] of requests) await t.request(message(sw.codec, mti, fields));
  t.close();
  await sw.stop();
}

function rootOf(spans: DecodedSpan[]): DecodedSpan {
  const roots = spans.filter((s) => s.parentSpanId === '');
  expect(roots).toHaveLength(1);
  return roots[0];
}

describe('serve with --otlp-endpoint', () => {
  it('exports a root span per message with the switch attributes and a child per stage, trace ids as logged', async () => {
    const { sw, collector } = await exporting();
    const card = cardFor('00');
    const auth = purchaseFields(card.pan, card.expiry, 100);
    const echo = networkFields('301');
    await run(sw, [['0100', auth], ['0800', echo]]);

    const done = sw.log.events('txn.done');
    expect(done.map((l) => l.mti)).toEqual(['0100', '0800']);
    expect(new Set(collector.spans.map((s) => s.traceId))).toEqual(new Set(done.map((l) => l.trace_id)));

    const expected = [
      { line: done[0], fields: auth, issuer: 'stub', rrn: expect.stringMatching(/^\d{12}$/) },
      { line: done[1], fields: echo, issuer: 'switch', rrn: undefined },
    ];
    for (const { line, fields, issuer, rrn } of expected) {
      const spans = collector.trace(String(line.trace_id));
      const root = rootOf(spans);
      expect(root.name).toBe(`iso8583 ${line.mti}`);
      expect(root.spanId).toBe(line.span_id);
      expect(root.attributes).toMatchObject({ 'iso.mti': line.mti, 'iso.stan': fields[11], 'iso.response_code': '00', 'iso.issuer': issuer });
      expect(root.attributes['iso.terminal_id']).toBe(fields[41]);
      expect(root.attributes['iso.rrn']).toEqual(rrn);
      const children = spans.filter((s) => s !== root);
      expect(children.map((s) => s.name)).toEqual(ALL_STAGES);
      for (const child of children) {
        expect(child.kind).toBe(KIND.internal);
        expect(child.parentSpanId).toBe(root.spanId);
        expect(child.startTimeUnixNano >= root.startTimeUnixNano && child.endTimeUnixNano <= root.endTimeUnixNano).toBe(true);
      }
    }
  });

  it.each([
    ['a bad Luhn card, decided in validate', () => purchaseFields(cardFor('14', 'Luhn').pan, null), '14', ['validate', 'respond']],
    ['a card with no route, decided in route', () => purchaseFields(cardFor('15').pan, null), '15', ['validate', 'dedupe', 'route', 'respond']],
    ['an issuer timeout', () => purchaseFields(cardFor('91').pan, cardFor('91').expiry), '91', ALL_STAGES],
  ] as const)('exports only the stages that ran for %s', async (_what, fields, rc, stages) => {
    const { sw, collector } = await exporting();
    await run(sw, [['0100', fields()]]);
    const [line] = sw.log.events('txn.done');
    const spans = collector.trace(String(line.trace_id));
    const root = rootOf(spans);
    expect(root.attributes['iso.response_code']).toBe(rc);
    expect(spans.filter((s) => s !== root).map((s) => s.name)).toEqual(stages);
  });

  it('issue #16: makes the root a SERVER span with the connection as network.* and server.* attributes and no empty-string attribute', async () => {
    const { sw, collector } = await exporting();
    const t = await sw.terminal();
    await t.request(message(sw.codec, '0800', networkFields('301')));
    const local = { address: t.socket.remoteAddress, port: t.socket.remotePort };
    const peer = { address: t.socket.localAddress, port: t.socket.localPort };
    t.close();
    await sw.stop();
    const root = rootOf(collector.spans);
    expect(root.kind).toBe(KIND.server);
    expect(root.attributes).toMatchObject({
      'network.transport': 'tcp', 'network.peer.address': peer.address, 'network.peer.port': peer.port, 'server.address': local.address, 'server.port': sw.port,
    });
    expect(local.port).toBe(sw.port);
    // A network message has no DE 37 and no DE 41: the attributes are left out, not sent empty.
    expect(Object.keys(root.attributes)).not.toContain('iso.rrn');
    expect(Object.keys(root.attributes)).not.toContain('iso.terminal_id');
    for (const span of collector.spans) expect(Object.entries(span.attributes).filter(([, v]) => v === '')).toEqual([]);
  });

  it.each([
    ['a decline (51)', () => purchaseFields(cardFor('51').pan, cardFor('51').expiry, 10_000), '51', STATUS.ok, undefined],
    ['a decline (15, no route)', () => purchaseFields(cardFor('15').pan, null), '15', STATUS.ok, undefined],
    ['an issuer timeout (91)', () => purchaseFields(cardFor('91').pan, cardFor('91').expiry), '91', STATUS.error, 'ISSUER_TIMEOUT'],
  ] as const)('issue #16: sets status and error.type on the root for system failures only: %s', async (_what, fields, rc, status, errorType) => {
    const { sw, collector } = await exporting();
    await run(sw, [['0100', fields()]]);
    const root = rootOf(collector.spans);
    expect(root.attributes['iso.response_code']).toBe(rc);
    expect(root.statusCode).toBe(status);
    expect(root.attributes['error.type']).toBe(errorType);
  });

  it('issue #16: reports a format error (30) as a failure, with the RC as error.type when no error code says more', async () => {
    const { sw, collector } = await exporting();
    await run(sw, [['0800', { 7: networkFields('301')[7], 11: networkFields('301')[11] }]]); // no DE 70
    const root = rootOf(collector.spans);
    expect(root.attributes['iso.response_code']).toBe('30');
    expect(root.statusCode).toBe(STATUS.error);
    // A missing field is the switch's own decision, with no error code: the RC is the type.
    expect(root.attributes['error.type']).toBe('30');
  });

  it('marks the authorize span with ISSUER_TIMEOUT when the issuer does not answer in time', async () => {
    const { sw, collector } = await exporting();
    const card = cardFor('91');
    await run(sw, [['0100', purchaseFields(card.pan, card.expiry)]]);
    const authorize = collector.spans.find((s) => s.name === 'authorize')!;
    expect(authorize.attributes['error.code']).toBe('ISSUER_TIMEOUT');
    expect(authorize.statusCode).toBe(2);
    expect(collector.spans.find((s) => s.parentSpanId === '')!.attributes['error.code']).toBe('ISSUER_TIMEOUT');
  });
});

describe('serve with the OpenTelemetry environment', () => {
  it('exports to OTEL_EXPORTER_OTLP_ENDPOINT when no --otlp-endpoint is given', async () => {
    const { sw, collector } = await exporting((endpoint) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }));
    await run(sw, [['0800', networkFields('301')]]);
    expect(collector.spans.map((s) => s.name)).toEqual(['iso8583 0800', ...ALL_STAGES]);
  });

  it('exports nothing when OTEL_TRACES_SAMPLER_ARG is 0', async () => {
    const { sw, collector } = await exporting((endpoint) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER_ARG: '0' }));
    await run(sw, [['0800', networkFields('301')], ['0800', networkFields('301')]]);
    expect(sw.log.events('txn.done')).toHaveLength(2);
    expect(collector.bodies).toEqual([]);
  });

  it('issue #13: describes the resource with service.name, service.version, service.instance.id and telemetry.sdk.*', async () => {
    const { sw, collector } = await exporting();
    await run(sw, [['0800', networkFields('301')]]);
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(resourcesOf(collector)).toEqual([
      expect.objectContaining({
        'service.name': 'isotrace', 'service.version': version, 'service.instance.id': expect.stringMatching(UUID),
        'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
      }),
    ]);
  });

  it('issue #13: takes OTEL_SERVICE_NAME and merges OTEL_RESOURCE_ATTRIBUTES, percent-decoded', async () => {
    const { sw, collector } = await exporting((endpoint) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'switch-eu1',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod, service.namespace=card%20payments,service.name=not-this,service.version=7.1',
    }));
    await run(sw, [['0800', networkFields('301')]]);
    expect(resourcesOf(collector)).toEqual([
      expect.objectContaining({ 'service.name': 'switch-eu1', 'service.version': '7.1', 'deployment.environment': 'prod', 'service.namespace': 'card payments', 'telemetry.sdk.name': 'opentelemetry' }),
    ]);
  });

  it('issue #13: takes service.name from OTEL_RESOURCE_ATTRIBUTES when OTEL_SERVICE_NAME is unset', async () => {
    const { sw, collector } = await exporting((endpoint) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_RESOURCE_ATTRIBUTES: 'service.name=acquirer-switch' }));
    await run(sw, [['0800', networkFields('301')]]);
    expect(resourcesOf(collector)).toEqual([expect.objectContaining({ 'service.name': 'acquirer-switch' })]);
  });

  it('issue #16: takes service.instance.id from OTEL_RESOURCE_ATTRIBUTES when it names one', async () => {
    const { sw, collector } = await exporting((endpoint) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=switch-a' }));
    await run(sw, [['0800', networkFields('301')]]);
    expect(resourcesOf(collector)).toEqual([expect.objectContaining({ 'service.name': 'isotrace', 'service.instance.id': 'switch-a' })]);
  });

  it('issue #13: gives each switch its own service.instance.id', async () => {
    const [a, b] = [await exporting(), await exporting()];
    await run(a.sw, [['0800', networkFields('301')]]);
    await run(b.sw, [['0800', networkFields('301')]]);
    expect(resourcesOf(a.collector)[0]['service.instance.id']).not.toBe(resourcesOf(b.collector)[0]['service.instance.id']);
  });

  it.each([
    ['an entry without =', 'deployment.environment=prod,oops', /^OTEL_RESOURCE_ATTRIBUTES: entry 2 is not key=value/],
    ['an empty key', '=prod', /^OTEL_RESOURCE_ATTRIBUTES: entry 1 is not key=value/],
    ['a bad percent escape', 'team=a%2', /^OTEL_RESOURCE_ATTRIBUTES: entry 1 \(team\) holds a bad percent escape$/],
  ])('issue #13: refuses OTEL_RESOURCE_ATTRIBUTES with %s, naming the entry', async (_what, value, message) => {
    const err = await serve(resources, { otlpEndpoint: 'http://127.0.0.1:4318' }, { OTEL_RESOURCE_ATTRIBUTES: value }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The resource attributes of every export request the collector received. */
function resourcesOf(collector: OtlpCollector): Array<Record<string, AnyValue>> {
  return collector.bodies.flatMap((b) => decodeExportTraceServiceRequest(b).resourceSpans.map((rs) => rs.resourceAttributes));
}

describe('serve exporting over OTLP/gRPC', () => {
  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }],
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL over OTEL_EXPORTER_OTLP_PROTOCOL', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }],
  ])('issue #16: sends the same spans, kinds and resource to a gRPC collector when %s says grpc', async (_what, protocol) => {
    const collector = await OtlpGrpcCollector.start();
    resources.add(() => collector.close());
    const sw = await serve(resources, {}, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_SERVICE_NAME: 'switch-grpc', ...protocol });
    const card = cardFor('51');
    await run(sw, [['0100', purchaseFields(card.pan, card.expiry, 10_000)], ['0800', networkFields('301')]]);
    const done = sw.log.events('txn.done');
    expect(new Set(collector.spans.map((s) => s.traceId))).toEqual(new Set(done.map((l) => l.trace_id)));
    const root = rootOf(collector.trace(String(done[0].trace_id)));
    expect(root).toMatchObject({ name: 'iso8583 0100', kind: KIND.server, statusCode: STATUS.ok });
    expect(root.attributes).toMatchObject({ 'iso.response_code': '51', 'network.transport': 'tcp', 'server.port': sw.port });
    expect(collector.trace(String(done[0].trace_id)).filter((s) => s !== root).map((s) => [s.name, s.kind])).toEqual(ALL_STAGES.map((n) => [n, KIND.internal]));
    const resource = decodeExportTraceServiceRequest(collector.bodies[0]).resourceSpans[0].resourceAttributes;
    expect(resource).toMatchObject({ 'service.name': 'switch-grpc', 'telemetry.sdk.language': 'nodejs', 'service.instance.id': expect.stringMatching(UUID) });
  });
});
