// Which service a line or a span comes from: `isotrace issuer` logs (its txn.done lines, written by
// the journal thread, included) and exports as `isotrace-issuer`, serve as `isotrace`, so that a
// combined journal or collector tells them apart; OTEL_SERVICE_NAME still names the OTLP service.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import { spawnIssuer, spawnServe, type ServeChild } from '../helpers/child-serve.js';
import { OtlpCollector } from '../helpers/otlp-collector.js';
import { decodeExportTraceServiceRequest } from '../helpers/protobuf.js';
import { issuer, Resources } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields, Terminal } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

const codec = builtinCodec('iso87ascii');
const card = cardFor('00');

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-service-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** One approved purchase through the host, then SIGTERM: resolves with every line it logged. */
async function oneTxn(host: ServeChild): Promise<Array<Record<string, unknown>>> {
  const t = await Terminal.connect(host.port, codec);
  expect((await t.request(message(codec, '0100', purchaseFields(card.pan, card.expiry)))).get(39)).toBe('00');
  t.close();
  host.child.kill('SIGTERM');
  expect(await host.exited).toEqual([0, null]);
  return host.lines;
}

describe('the service a host names in its log lines', () => {
  it('issue #16: isotrace issuer logs every line, txn.done included, as isotrace-issuer', async () => {
    const lines = await oneTxn(await spawnIssuer(resources, ['--audit-dir', join(tempDir(), 'audit')]));
    expect(lines.map((l) => l.evt)).toEqual(expect.arrayContaining(['server.listening', 'issuer.ready', 'txn.done', 'issuer.stopped']));
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set(['isotrace-issuer']));
  });

  it('issue #16: serve logs every line, txn.done included, as isotrace', async () => {
    const lines = await oneTxn(await spawnServe(resources, ['--audit-dir', join(tempDir(), 'audit')]));
    expect(lines.map((l) => l.evt)).toEqual(expect.arrayContaining(['serve.ready', 'txn.done', 'serve.stopped']));
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set(['isotrace']));
  });
});

describe('the OTLP service.name of isotrace issuer', () => {
  it.each([
    ['isotrace-issuer by default', {}, 'isotrace-issuer'],
    ['OTEL_SERVICE_NAME when set', { OTEL_SERVICE_NAME: 'acme-issuer-sim' }, 'acme-issuer-sim'],
  ])('issue #16: is %s', async (_what, env, expected) => {
    const collector = await OtlpCollector.start();
    resources.add(() => collector.close());
    const host = await issuer(resources, { otlpEndpoint: collector.endpoint }, env);
    const t = await host.terminal();
    expect((await t.request(message(host.codec, '0100', purchaseFields(card.pan, card.expiry)))).get(39)).toBe('00');
    await host.stop();
    const resourcesSeen = collector.bodies.flatMap((b) => decodeExportTraceServiceRequest(b).resourceSpans.map((rs) => rs.resourceAttributes['service.name']));
    expect(resourcesSeen.length).toBeGreaterThan(0);
    expect(new Set(resourcesSeen)).toEqual(new Set([expected]));
  });
});
