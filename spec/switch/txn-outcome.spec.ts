import { describe, expect, it } from 'vitest';
import { builtinCodec, IsoMessage } from '../../src/codec/index.js';
import { auditRecordJson, isoMicros } from '../../src/audit/index.js';
import { TxnContext, TxnOutcome } from '../../src/switch/index.js';
import { IdSource, TraceRecord } from '../../src/trace/index.js';

function record(receivedAtUs: number, ids: IdSource): Record<string, unknown> {
  const request = new IsoMessage('0800').set(11, '000001').set(70, '301');
  const ctx = new TxnContext(new TraceRecord(ids, 'iso8583 0800', receivedAtUs), { connId: 'c1', remote: '127.0.0.1:1' }, receivedAtUs, request, null);
  ctx.completedAtUs = receivedAtUs + 10;
  return JSON.parse(auditRecordJson(TxnOutcome.of(ctx), ids)) as Record<string, unknown>;
}

describe('auditRecordJson', () => {
  it('gives record ids that increase in write order, also within one millisecond and when receipt times go back', () => {
    const ids = new IdSource();
    const base = Date.UTC(2026, 10, 23, 20, 0, 0) * 1000;
    const times = [base, base, base + 400, base + 999, base - 5000, base + 1000, base + 1000];
    const got = times.map((t) => String(record(t, ids).id));
    for (let i = 1; i < got.length; i++) expect(got[i] > got[i - 1]).toBe(true);
    expect(got.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
  });

  it('writes times with microseconds in UTC', () => {
    expect(isoMicros(Date.UTC(2026, 10, 23, 20, 30, 0) * 1000 + 123_456)).toBe('2026-11-23T20:30:00.123456Z');
    expect(isoMicros(Date.UTC(2026, 10, 23, 20, 30, 1) * 1000 + 7)).toBe('2026-11-23T20:30:01.000007Z');
  });
});

describe('TxnOutcome.of', () => {
  it('takes the stages from the root\'s child spans only, in the order they ran, timed from receipt', () => {
    const ids = new IdSource();
    const at = Date.UTC(2026, 10, 23, 20, 0, 0) * 1000;
    const request = new IsoMessage('0100').set(11, '000001');
    const ctx = new TxnContext(new TraceRecord(ids, 'iso8583 0100', at), { connId: 'c1', remote: '127.0.0.1:1' }, at, request, null);
    ctx.trace.startSpan('validate', ctx.trace.root, at + 5).end('ok', at + 9);
    const authorize = ctx.trace.startSpan('authorize', ctx.trace.root, at + 9);
    ctx.trace.startSpan('issuer.call', authorize, at + 10).end('ok', at + 40);
    authorize.end('error', at + 41);
    ctx.completedAtUs = at + 50;
    const rec = JSON.parse(auditRecordJson(TxnOutcome.of(ctx), ids)) as { stages: unknown[] };
    expect(rec.stages).toEqual([
      { name: 'validate', start_us: 5, duration_us: 4, status: 'ok' },
      { name: 'authorize', start_us: 9, duration_us: 32, status: 'error' },
    ]);
  });
});

describe('auditRecordJson for a request that could not be decoded', () => {
  it('issue #13: writes a compact record: time, source, frame length, error and place, answer; no stages or empty keys', () => {
    const ids = new IdSource();
    const at = Date.UTC(2026, 10, 23, 20, 0, 0) * 1000;
    const frame = Buffer.from('0100', 'latin1');
    const { message, error } = builtinCodec('iso87ascii').unpackPartial(frame);
    expect(error).not.toBeNull();
    const ctx = new TxnContext(new TraceRecord(ids, 'iso8583 0100', at), { connId: 'c7', remote: '127.0.0.1:40000' }, at, message, error, frame.length);
    ctx.trace.startSpan('validate', ctx.trace.root, at + 5).end('error', at + 9);
    ctx.error = { code: error!.code, field: error!.field ?? null, offset: error!.offset ?? null };
    ctx.responseCode = '30';
    ctx.reason = `format error: ${error!.code}`;
    ctx.response = new IsoMessage('0110').set(39, '30');
    ctx.completedAtUs = at + 50;
    const text = auditRecordJson(TxnOutcome.of(ctx), ids);
    const rec = JSON.parse(text) as Record<string, unknown>;
    expect(JSON.stringify(rec)).toBe(text);
    expect(Object.keys(rec)).toEqual(['id', 'trace_id', 'received_at', 'completed_at', 'duration_us', 'source', 'frame_bytes', 'request', 'outcome', 'response', 'error']);
    expect(rec).toMatchObject({
      duration_us: 50, source: { conn_id: 'c7', remote: '127.0.0.1:40000' }, frame_bytes: 4, request: { mti: '0100' },
      outcome: { response_code: '30' }, response: { mti: '0110' }, error: { code: error!.code, field: error!.field, offset: error!.offset },
    });
    expect(text.length).toBeLessThan(420);
    const full = auditRecordJson(TxnOutcome.of(new TxnContext(new TraceRecord(ids, 'iso8583 0100', at), { connId: 'c7', remote: '127.0.0.1:40000' }, at, message, null)), ids);
    expect(JSON.parse(full)).toHaveProperty('stages');
  });
});
