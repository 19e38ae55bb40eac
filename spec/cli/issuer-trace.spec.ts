// `isotrace issuer --trace-field`: the caller's W3C traceparent, in a whole field (63) or a DE 48
// subelement (48:TP), is continued: the audit record and the txn.done line carry its trace id,
// the exported root span is a child of its span, and the answer never carries the field back.

import { afterEach, describe, expect, it } from 'vitest';
import { auditRecords } from '../helpers/audit-trail.js';
import { OtlpCollector } from '../helpers/otlp-collector.js';
import { issuer, Resources, type Served } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields, type Fields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;
const card = cardFor('00');

async function collector(): Promise<OtlpCollector> {
  const c = await OtlpCollector.start();
  resources.add(() => c.close());
  return c;
}

/** Sends one approving purchase with `extra` fields to an issuer started with `flags`; stops it (traces flushed, audit closed). */
async function drive(flags: Record<string, unknown>, extra: Fields): Promise<{ host: Served; answerFields: number[]; traceId: string }> {
  const host = await issuer(resources, { spec: 'iso87binary', framing: 'binary2', ...flags });
  const t = await host.terminal({ framing: 'binary2' });
  const answer = await t.request(message(host.codec, '0100', purchaseFields(card.pan, card.expiry, 1_000, extra)));
  expect(answer.get(39)).toBe('00');
  await host.stop();
  const [record] = await auditRecords(host.auditDir);
  const [done] = host.log.events('txn.done');
  expect(done.trace_id).toBe(record.trace_id);
  return { host, answerFields: answer.fields(), traceId: record.trace_id };
}

describe('isotrace issuer --trace-field', () => {
  it.each([
    ['63', { 63: TRACEPARENT }, 63],
    ['48:TP', { 48: `AB002hiTP055${TRACEPARENT}ZZ001z` }, 48],
  ])('continues the caller\'s trace from %s: same trace id in audit and log, root span a child of the caller\'s', async (field, extra, de) => {
    const otlp = await collector();
    const { answerFields, traceId } = await drive({ traceField: field, otlpEndpoint: otlp.endpoint }, extra);
    expect(traceId).toBe(TRACE_ID);
    expect(answerFields).not.toContain(de);
    const spans = otlp.trace(TRACE_ID);
    const root = spans.find((s) => s.name === 'iso8583 0100');
    expect(root?.parentSpanId).toBe(SPAN_ID);
    expect(spans.filter((s) => s !== root).every((s) => s.parentSpanId === root!.spanId)).toBe(true);
    expect(spans.length).toBeGreaterThan(4); // the stages, as children of the root
  });

  it.each([
    ['not a traceparent', { 63: 'not-a-traceparent' }, 'malformed'],
    ['an upper-case traceparent', { 63: TRACEPARENT.toUpperCase() }, 'malformed'],
    ['absent', {}, 'absent'],
  ])('starts a new trace and still answers when the context is %s, logged at debug', async (_what, extra, reason) => {
    const { host, traceId, answerFields } = await drive({ traceField: '63' }, extra);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(TRACE_ID);
    expect(answerFields).not.toContain(63);
    expect(host.log.events('trace.context_ignored')).toEqual([expect.objectContaining({ level: 'debug', field: '63', reason })]);
    expect(host.log.text()).not.toContain('not-a-traceparent');
  });

  it('starts a new trace from a traceparent in DE 48 subelements that do not parse', async () => {
    const { host, traceId } = await drive({ traceField: '48:TP' }, { 48: `AB999TP055${TRACEPARENT}` });
    expect(traceId).not.toBe(TRACE_ID);
    expect(host.log.events('trace.context_ignored')).toEqual([expect.objectContaining({ reason: 'malformed', field: '48:TP' })]);
  });

  it('reads no trace context when no trace field is set', async () => {
    const { host, traceId } = await drive({}, { 63: TRACEPARENT });
    expect(traceId).not.toBe(TRACE_ID);
    expect(host.log.events('trace.context_ignored')).toEqual([]);
  });
});
