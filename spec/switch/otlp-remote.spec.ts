// Span kinds across a remote issuer link, as a collector sees them: serve's root SERVER span, its
// `issuer <name>` CLIENT span under authorize, and `isotrace issuer`'s root SERVER span under that.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtlpCollector } from '../helpers/otlp-collector.js';
import { issuer, Resources, serve } from '../helpers/serve-harness.js';
import { closedPort } from '../e2e/helpers/remote.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

/** OTLP's SpanKind numbers. */
const KIND = { internal: 1, server: 2, client: 3 } as const;

/** A routes file sending every card's BIN of `bin` to the issuer on `port` (as `acme`, answering in `timeoutMs`). */
function routesTo(port: number, bin: string, timeoutMs = 2000): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-routes-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'routes.json');
  const acme = { endpoints: [`tcp://127.0.0.1:${port}`], spec: 'iso87ascii', framing: 'ascii4', matchKey: [41, 11], traceField: 63, timeoutMs };
  writeFileSync(file, JSON.stringify({ issuers: { acme }, routes: [{ bin, issuer: 'acme' }] }));
  return file;
}

describe('traces across a remote issuer', () => {
  it('issue #16: exports the issuer call as a CLIENT span, parent of the issuer host\'s SERVER root', async () => {
    const collector = await OtlpCollector.start();
    resources.add(() => collector.close());
    const host = await issuer(resources, { traceField: '63', otlpEndpoint: collector.endpoint });
    const card = cardFor('00');
    const sw = await serve(resources, { routes: routesTo(host.port, card.pan.slice(0, 6)), otlpEndpoint: collector.endpoint });
    await sw.log.next('link.up');
    const t = await sw.terminal();
    const answer = await t.request(message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, 100)));
    expect(answer.get(39)).toBe('00');
    t.close();
    await sw.stop();
    await host.stop();

    const call = collector.spans.find((s) => s.name === 'issuer acme')!;
    expect(call.kind).toBe(KIND.client);
    expect(call.attributes['isotrace.issuer']).toBe('acme');
    const spans = collector.trace(call.traceId);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    expect(byId.get(call.parentSpanId)?.name).toBe('authorize');
    const roots = spans.filter((s) => s.name === 'iso8583 0100');
    expect(roots.map((s) => s.kind)).toEqual([KIND.server, KIND.server]);
    const issuerRoot = roots.find((s) => s.parentSpanId === call.spanId)!;
    expect(issuerRoot).toBeDefined();
    expect(issuerRoot.attributes['network.transport']).toBe('tcp');
    expect(issuerRoot.attributes['server.port']).toBe(host.port);
    expect(spans.filter((s) => s.kind === KIND.internal).map((s) => s.name)).toContain('validate');
  });

  it('issue #16: gives the issuer call the endpoint it went to: server.address and server.port as the routes file names it, network.peer.*', async () => {
    const collector = await OtlpCollector.start();
    resources.add(() => collector.close());
    const host = await issuer(resources, { traceField: '63' });
    const card = cardFor('00');
    const sw = await serve(resources, { routes: routesTo(host.port, card.pan.slice(0, 6)), otlpEndpoint: collector.endpoint });
    await sw.log.next('link.up');
    const t = await sw.terminal();
    expect((await t.request(message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, 100)))).get(39)).toBe('00');
    t.close();
    await sw.stop();
    const call = collector.spans.find((s) => s.name === 'issuer acme')!;
    expect(call.attributes).toMatchObject({
      'server.address': '127.0.0.1', 'server.port': host.port, 'network.peer.address': '127.0.0.1', 'network.peer.port': host.port,
    });
  });

  it('issue #16: leaves the endpoint out of an issuer call that found no link up, never as an empty string', async () => {
    const collector = await OtlpCollector.start();
    resources.add(() => collector.close());
    const card = cardFor('00');
    const safDir = mkdtempSync(join(tmpdir(), 'isotrace-saf-'));
    resources.add(() => rmSync(safDir, { recursive: true, force: true }));
    const sw = await serve(resources, { routes: routesTo(await closedPort(), card.pan.slice(0, 6)), safDir, otlpEndpoint: collector.endpoint });
    const t = await sw.terminal();
    expect((await t.request(message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, 100)))).get(39)).toBe('91');
    t.close();
    await sw.stop();
    const call = collector.spans.find((s) => s.name === 'issuer acme')!;
    expect(call.attributes).toMatchObject({ 'error.type': 'ISSUER_UNAVAILABLE' });
    expect(Object.keys(call.attributes).filter((k) => k.startsWith('server.') || k.startsWith('network.'))).toEqual([]);
    expect(Object.values(call.attributes)).not.toContain('');
  });

  it('issue #16: exports a reversal advice the switch delivered on its own as a CLIENT span in the trace it reverses', async () => {
    const collector = await OtlpCollector.start();
    resources.add(() => collector.close());
    const host = await issuer(resources, { traceField: '63' });
    const card = cardFor('91'); // the issuer host's stub never answers it: a timeout, then a reversal advice
    const safDir = mkdtempSync(join(tmpdir(), 'isotrace-saf-'));
    resources.add(() => rmSync(safDir, { recursive: true, force: true }));
    const sw = await serve(resources, { routes: routesTo(host.port, card.pan.slice(0, 6), 300), safDir, issuerTimeoutMs: 300, otlpEndpoint: collector.endpoint });
    await sw.log.next('link.up');
    const t = await sw.terminal();
    expect((await t.request(message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, 100)))).get(39)).toBe('91');
    t.close();
    await sw.log.next('saf.acknowledged');
    await sw.stop();

    const advice = collector.spans.find((s) => s.name.endsWith(' advice'))!;
    // 0420, or its repeat 0421 when a loaded machine made the first send time out too.
    expect(advice).toMatchObject({ name: expect.stringMatching(/^iso8583 042[01] advice$/), kind: KIND.client });
    expect(advice.attributes).toMatchObject({ 'iso.mti': expect.stringMatching(/^042[01]$/), 'iso.issuer': 'acme', 'isotrace.reason': 'timeout' });
    const call = collector.trace(advice.traceId).find((s) => s.name === 'issuer acme')!;
    expect(call).toMatchObject({ kind: KIND.client, statusCode: 2, attributes: expect.objectContaining({ 'error.type': 'ISSUER_TIMEOUT', 'server.address': '127.0.0.1', 'server.port': host.port }) });
  });
});
