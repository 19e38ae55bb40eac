// The switch's audit trail as tests read it: every record in chain order (readAudit), the UUID v7
// and microsecond times of a record, masked PANs, the route fixtures/routes.json gives a PAN, and
// one check of a record against the request and answer a terminal saw and the txn.done log line.
// Test-only.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { isCompactRecord, readAudit, type AuditErrorInfo, type AuditRoute, type StoredFullAuditRecord } from '../../src/audit/index.js';
import type { IsoMessage } from '../../src/codec/index.js';
import type { LogLine } from './log-collector.js';
import { ROUTES_PATH } from './test-cards.js';

export type { AuditErrorInfo, AuditRoute } from '../../src/audit/index.js';

/** A full record as stored (docs/audit.md): src/audit's AuditRecord with the chain's keys. */
export type AuditRecord = StoredFullAuditRecord;

/** Every record of the log in `dir`, oldest first; all must be full records (none compact). */
export async function auditRecords(dir: string): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const { file, line, record } of readAudit(dir)) {
    if (isCompactRecord(record)) throw new Error(`${file} line ${line}: a compact record where a full one was expected`);
    out.push(record);
  }
  return out;
}

export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Unix ms in the first 48 bits of a UUID v7. */
export function uuidV7Ms(id: string): number {
  return Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
}

/** µs since the epoch of an audit time, e.g. 2026-11-23T20:30:00.123456Z. */
export function auditTimeUs(text: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})Z$/.exec(text);
  if (m === null) throw new Error(`not an audit time: ${text}`);
  return Date.parse(`${m[1]}Z`) * 1000 + Number(m[2]);
}

/** `pan` as the switch may show it: at least 6 digits hidden, then up to the last 4 and first 6 shown. */
export function maskedPan(pan: string): string {
  const hidden = Math.max(6, pan.length - 10);
  const tail = Math.max(0, Math.min(4, pan.length - hidden));
  const head = Math.max(0, pan.length - hidden - tail);
  return `${pan.slice(0, head)}${'*'.repeat(Math.min(hidden, pan.length))}${pan.slice(pan.length - tail)}`;
}

export const MASKED_PAN = /^\d{0,6}\*{6,}\d{0,4}$/;

interface RouteEntry {
  bin?: string;
  range?: [string, string];
  issuer: string;
}

/** A route's BIN as the audit record shows it: no digit past the sixth. */
const shownBin = (bin: string): string => bin.slice(0, 6).padEnd(bin.length, '*');

/** The route fixtures/routes.json gives `pan` (its longest matching BIN or range), or null. */
export function fixtureRoute(pan: string): AuditRoute | null {
  const entries = (JSON.parse(readFileSync(ROUTES_PATH, 'utf8')) as { routes: RouteEntry[] }).routes;
  const matches = entries.flatMap((e) => {
    if (e.bin !== undefined) return pan.startsWith(e.bin) ? [{ len: e.bin.length, route: { issuer: e.issuer, bin: shownBin(e.bin) } }] : [];
    const [low, high] = e.range!;
    const prefix = pan.slice(0, low.length);
    return prefix >= low && prefix <= high ? [{ len: low.length, route: { issuer: e.issuer, bin: `${shownBin(low)}-${shownBin(high)}` } }] : [];
  });
  return matches.sort((a, b) => b.len - a.len)[0]?.route ?? null;
}

/** What one record must say about a transaction a terminal sent and got answered. */
export interface ExpectedRecord {
  /** The request as the switch could read it (for a message failing to decode: the fields before the failure). */
  req: IsoMessage;
  res: IsoMessage;
  /** The clear PAN it carried (DE 2 or track 2), shown masked; null when none. */
  pan: string | null;
  route: AuditRoute | null;
  /** Stage names in order. */
  stages: readonly string[];
  /** The stage that ended in an error, if any. */
  failedStage?: string;
  error?: AuditErrorInfo | null;
  duplicate?: boolean;
  /** The terminal's address:port as the switch saw it. */
  remote: string;
}

const text = (msg: IsoMessage, de: number): string | null => msg.getString(de) ?? null;

/** Checks `rec` against the exchange it records and the txn.done line logged for it. */
export function expectRecord(rec: AuditRecord, e: ExpectedRecord, done: LogLine): void {
  const { req, res } = e;
  const where = `record of ${req.mti} STAN ${text(req, 11)}`;
  expect(rec.trace_id, where).toBe(done.trace_id);
  expect(rec.trace_id, where).toMatch(/^[0-9a-f]{32}$/);
  expect(rec.source, where).toEqual({ conn_id: done.conn, remote: e.remote });
  expect(rec.request, where).toEqual({
    mti: req.mti, stan: text(req, 11), rrn: text(res, 37) ?? text(req, 37), terminal_id: text(req, 41), merchant_id: text(req, 42),
    acquirer_id: text(req, 32), processing_code: text(req, 3), amount: text(req, 4), currency: text(req, 49),
    pan: e.pan === null ? null : maskedPan(e.pan), fields: req.fields(),
  });
  expect(rec.route, where).toEqual(e.route);
  expect(rec.outcome, where).toEqual({ response_code: res.get(39), approval_code: text(res, 38), reason: done.msg, duplicate: e.duplicate ?? false });
  expect([done.rc, done.stan], where).toEqual([res.get(39), req.get(11) ?? '']);
  expect(rec.response, where).toEqual({ mti: res.mti, fields: res.fields() });
  expect(rec.stages.map((s) => [s.name, s.status]), where).toEqual(e.stages.map((n) => [n, n === e.failedStage ? 'error' : 'ok']));
  for (const s of rec.stages) expect(Math.min(s.start_us, s.duration_us), where).toBeGreaterThanOrEqual(0);
  expect(rec.error, where).toEqual(e.error ?? null);
  expect(rec.id, where).toMatch(UUID_V7);
  expect(uuidV7Ms(rec.id), where).toBe(Math.floor(auditTimeUs(rec.received_at) / 1000));
  expect(auditTimeUs(rec.completed_at) - auditTimeUs(rec.received_at), where).toBe(rec.duration_us);
  expect(rec.duration_us, where).toBeGreaterThanOrEqual(0);
}

/** Ids are UUID v7 whose times never go back along the chain (requests sent one after another). */
export function expectTimeOrdered(records: readonly AuditRecord[]): void {
  expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  for (let i = 1; i < records.length; i++) {
    expect(uuidV7Ms(records[i].id), `record ${i + 1}`).toBeGreaterThanOrEqual(uuidV7Ms(records[i - 1].id));
    expect(auditTimeUs(records[i].received_at), `record ${i + 1}`).toBeGreaterThanOrEqual(auditTimeUs(records[i - 1].completed_at));
  }
}
