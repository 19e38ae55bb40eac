// How `isotrace saf` shows an entry: a masked view (DE 2 as first 6 / last 4, every other sealed
// field as ***), one table row of it, and the `key: value` lines of `saf show`. Never prints a
// sealed value in clear, nor the key.

import { maskPan, REDACTED } from '../../../codec/index.js';
import { repeatMti, type SafEntry } from '../../../saf/index.js';
import { alignedRow, headerRow, type ColumnShape } from '../../table.js';

/** An entry as `saf list --json` and `saf show --json` print it: times in ISO 8601 UTC, fields masked. */
export interface SafEntryView {
  id: number;
  issuer: string;
  state: string;
  /** What its next send is: 0420 before the first, 0421 after. */
  mti: string;
  attempts: number;
  reason: string;
  traceparent: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string;
  fields: Record<string, string>;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** `entry` with its sealed fields masked. */
export function entryView(entry: SafEntry): SafEntryView {
  const sealed = new Set(entry.sensitive);
  const fields: Record<string, string> = {};
  for (const [de, value] of Object.entries(entry.fields)) {
    fields[de] = !sealed.has(Number(de)) ? value : de === '2' ? maskPan(value) : REDACTED;
  }
  return {
    id: entry.id, issuer: entry.issuer, state: entry.state, mti: entry.state === 'sent' ? repeatMti(entry.mti) : entry.mti,
    attempts: entry.attempts, reason: entry.reason, traceparent: entry.traceparent,
    createdAt: iso(entry.createdAt)!, lastAttemptAt: iso(entry.lastAttemptAt), nextAttemptAt: iso(entry.nextAttemptAt)!, fields,
  };
}

/** `ms` as a short age: 45s, 12m, 3h05m, 2d04h. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  const h = Math.floor(s / 3600);
  if (h < 24) return `${h}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** The trace id of a W3C traceparent (`00-<trace id>-<span id>-<flags>`), or null. */
export function traceIdOf(traceparent: string | null): string | null {
  const m = traceparent === null ? null : /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent);
  return m === null ? null : m[1];
}

/** Trace ids in the table: the first 8 hex digits, as audit list shows them. */
const SHORT_TRACE_CHARS = 8;

interface Column extends ColumnShape {
  value: (v: SafEntryView, nowMs: number) => string | null | undefined;
}

const COLUMNS: readonly Column[] = [
  { title: 'ID', width: 5, align: 'right', value: (v) => String(v.id) },
  { title: 'ISSUER', width: 10, align: 'left', value: (v) => v.issuer },
  { title: 'STATE', width: 6, align: 'left', value: (v) => v.state },
  { title: 'MTI', width: 4, align: 'left', value: (v) => v.mti },
  { title: 'TRIES', width: 5, align: 'right', value: (v) => String(v.attempts) },
  { title: 'AGE', width: 6, align: 'right', value: (v, now) => formatAge(now - Date.parse(v.createdAt)) },
  { title: 'REASON', width: 24, align: 'left', value: (v) => v.reason },
  { title: 'TRACE', width: SHORT_TRACE_CHARS, align: 'left', value: (v) => traceIdOf(v.traceparent)?.slice(0, SHORT_TRACE_CHARS) },
  { title: 'PAN', width: 19, align: 'left', value: (v) => v.fields['2'] },
  { title: 'STAN', width: 6, align: 'left', value: (v) => v.fields['11'] },
  { title: 'RRN', width: 12, align: 'left', value: (v) => v.fields['37'] },
  { title: 'TERMINAL', width: 8, align: 'left', value: (v) => v.fields['41'] },
];

/** The table's title row. */
export function safHeader(): string {
  return headerRow(COLUMNS);
}

/** One entry as a table row, its age as of `nowMs`. */
export function safLine(view: SafEntryView, nowMs: number): string {
  return alignedRow(COLUMNS, COLUMNS.map((c) => c.value(view, nowMs)));
}

/** `saf show`: the entry as aligned `key: value` lines, then its fields in DE order. */
export function showLines(view: SafEntryView, nowMs: number): string[] {
  const rows: Array<[string, string]> = [
    ['id', String(view.id)], ['issuer', view.issuer], ['state', view.state], ['next send', view.mti],
    ['attempts', String(view.attempts)], ['reason', view.reason],
    ['created', `${view.createdAt} (${formatAge(nowMs - Date.parse(view.createdAt))} ago)`],
    ['last attempt', view.lastAttemptAt ?? '-'], ['next attempt', view.nextAttemptAt],
    ['traceparent', view.traceparent ?? '-'],
  ];
  const lines = rows.map(([k, v]) => `${`${k}:`.padEnd(14)}${v}`);
  lines.push('fields:');
  for (const de of Object.keys(view.fields).map(Number).sort((a, b) => a - b)) lines.push(`  DE ${String(de).padStart(3)}  ${view.fields[de]}`);
  return lines;
}
