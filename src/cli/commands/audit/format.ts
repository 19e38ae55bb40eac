// The compact one-line form of an audit record, shared by `audit list` (a table) and `audit tail`
// (a line per new record): time (UTC), MTI, STAN, terminal, masked PAN, amount, RC, ms, trace id.
// Prints only what the record holds: its PAN is already masked by the switch.

import { isCompactRecord, type AuditRequest, type StoredAuditRecord } from '../../../audit/index.js';
import { alignedRow, headerRow, type ColumnShape } from '../../table.js';

interface Column extends ColumnShape {
  value: (r: StoredAuditRecord) => string | null | undefined;
}

/** Trace ids are shown by their first 8 hex digits: enough to pick one out, `show` takes the whole id. */
export const SHORT_TRACE_CHARS = 8;

/** `2026-11-23T20:30:00.123456Z` -> `2026-11-23 20:30:00.123` (UTC, ms). */
export function shortTime(iso: string | null): string | null {
  return iso === null ? null : `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** An amount in minor units (`000000001000`) with two decimals (`10.00`); other text as it is. */
export function formatAmount(minor: string | null): string | null {
  if (minor === null || !/^\d+$/.test(minor)) return minor;
  const digits = minor.replace(/^0+(?=\d{3})/, '').padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Microseconds as milliseconds with `decimals` places. */
export function formatMs(us: unknown, decimals = 2): string | null {
  return typeof us === 'number' ? (us / 1000).toFixed(decimals) : null;
}

/** The request of a full record; null for a compact one (no PAN, no amount). */
export function fullRequest(record: StoredAuditRecord): AuditRequest | null {
  return isCompactRecord(record) ? null : record.request;
}

const COLUMNS: readonly Column[] = [
  { title: 'TIME (UTC)', width: 23, align: 'left', value: (r) => shortTime(r.received_at) },
  { title: 'MTI', width: 4, align: 'left', value: (r) => r.request.mti },
  { title: 'STAN', width: 6, align: 'left', value: (r) => r.request.stan },
  { title: 'TERMINAL', width: 8, align: 'left', value: (r) => r.request.terminal_id },
  { title: 'PAN', width: 19, align: 'left', value: (r) => fullRequest(r)?.pan },
  { title: 'AMOUNT', width: 12, align: 'right', value: (r) => formatAmount(fullRequest(r)?.amount ?? null) },
  // 3: a 1993 action code (000) is as wide as the column.
  { title: 'RC', width: 3, align: 'left', value: (r) => r.outcome.response_code },
  { title: 'MS', width: 8, align: 'right', value: (r) => formatMs(r.duration_us) },
  { title: 'TRACE', width: SHORT_TRACE_CHARS, align: 'left', value: (r) => r.trace_id.slice(0, SHORT_TRACE_CHARS) },
];

/** The column titles, aligned as the rows. */
export function compactHeader(): string {
  return headerRow(COLUMNS);
}

/** One record as one line; a missing value is `-`. */
export function compactLine(record: StoredAuditRecord): string {
  return alignedRow(COLUMNS, COLUMNS.map((c) => c.value(record)));
}
