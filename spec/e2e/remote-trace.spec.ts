// issue #15 end to end: the trace crosses the link. serve and `isotrace issuer` as child processes
// exporting to one local OTLP receiver: a purchase through the remote path is one tree of one trace,
// serve's root -> authorize -> `issuer acme` -> the issuer's root -> the issuer's stages, and both
// audit logs carry its trace id.

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import { auditRecords } from '../helpers/audit-trail.js';
import { OtlpCollector } from '../helpers/otlp-collector.js';
import type { DecodedSpan } from '../helpers/protobuf.js';
import { Resources } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields, Terminal } from '../helpers/terminal.js';
import { PAIRS, spawnRemoteIssuer, spawnRemoteServe, stopChild, tempDir, writeRemoteRoutes } from './helpers/remote.js';

const resources = new Resources();
afterEach(() => resources.run());

const card = cardFor('00');

/** The one span of `spans` named `name` whose parent is `parent`. */
function childNamed(spans: readonly DecodedSpan[], parent: DecodedSpan, name: string): DecodedSpan {
  const found = spans.filter((s) => s.parentSpanId === parent.spanId && s.name === name);
  expect(found.map((s) => s.name), `${name} under ${parent.name}`).toEqual([name]);
  return found[0];
}

describe.each(PAIRS)('remote issuer trace: $name', (pair) => {
  it('issue #15: one trace across both processes: serve root -> authorize -> issuer acme -> the issuer\'s root -> its stages', async () => {
    const otlp = await OtlpCollector.start();
    resources.add(() => otlp.close());
    const dir = tempDir(resources, 'trace');
    const issuer = await spawnRemoteIssuer(resources, pair, join(dir, 'issuer-audit'), { otlpEndpoint: otlp.endpoint });
    const serve = await spawnRemoteServe(resources, pair, writeRemoteRoutes(dir, pair, [issuer.port]), join(dir, 'saf'), join(dir, 'serve-audit'), { otlpEndpoint: otlp.endpoint });
    const codec = builtinCodec(pair.terminal.spec);
    const t = await Terminal.connect(serve.port, codec, pair.terminalOptions);
    resources.add(() => t.close());
    expect((await t.request(message(codec, '0100', purchaseFields(card.pan, card.expiry, 1_000)))).get(39)).toBe('00');
    await stopChild(serve); // flushes its spans
    await stopChild(issuer);

    const [switchRecord] = (await auditRecords(join(dir, 'serve-audit'))).filter((r) => r.request.mti === '0100');
    const [issuerRecord] = (await auditRecords(join(dir, 'issuer-audit'))).filter((r) => r.request.mti === '0100');
    expect(issuerRecord.trace_id).toBe(switchRecord.trace_id);
    const spans = otlp.trace(switchRecord.trace_id);
    const roots = spans.filter((s) => s.parentSpanId === '');
    expect(roots.map((s) => s.name)).toEqual(['iso8583 0100']);
    const authorize = childNamed(spans, roots[0], 'authorize');
    const call = childNamed(spans, authorize, 'issuer acme');
    expect(call.attributes['isotrace.issuer']).toBe('acme');
    const issuerRoot = childNamed(spans, call, 'iso8583 0100');
    const issuerStages = spans.filter((s) => s.parentSpanId === issuerRoot.spanId).map((s) => s.name);
    expect(issuerStages).toEqual(expect.arrayContaining(['validate', 'route', 'authorize', 'respond']));
    // One tree: every span but serve's root has its parent in the trace.
    const ids = new Set(spans.map((s) => s.spanId));
    expect(spans.filter((s) => s.parentSpanId !== '' && !ids.has(s.parentSpanId)).map((s) => s.name)).toEqual([]);
    expect(spans.length).toBeGreaterThanOrEqual(1 + 4 + 1 + 1 + issuerStages.length);
  }, 60_000);
});
