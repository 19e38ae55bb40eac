// The searchable columns of isotrace.txn_log and where each comes from in the record: one list, from
// which the writer's INSERT takes them out of the record (server side) and verify checks that they
// still match it. No I/O.

/** A column filled from the record, and the record's path to it (its text, or null where absent). */
export interface RecordColumn {
  readonly column: string;
  readonly path: readonly string[];
}

export const RECORD_COLUMNS: readonly RecordColumn[] = Object.freeze([
  { column: 'record_id', path: ['id'] },
  { column: 'trace_id', path: ['trace_id'] },
  { column: 'mti', path: ['request', 'mti'] },
  { column: 'stan', path: ['request', 'stan'] },
  { column: 'terminal_id', path: ['request', 'terminal_id'] },
  { column: 'rrn', path: ['request', 'rrn'] },
  { column: 'pan', path: ['request', 'pan'] },
  { column: 'response_code', path: ['outcome', 'response_code'] },
  { column: 'issuer', path: ['route', 'issuer'] },
]);

/** `r->'request'->>'rrn'`: the SQL that takes a column's value out of the JSONB `r`. */
export function jsonPathSql(c: RecordColumn, r = 'r'): string {
  const last = c.path.length - 1;
  return `${r}${c.path.map((k, i) => `${i === last ? '->>' : '->'}'${k}'`).join('')}`;
}

/** The column's value in a parsed record, as `->>` gives it: the string, null when absent or null. */
export function valueAt(record: unknown, c: RecordColumn): string | null {
  let v: unknown = record;
  for (const k of c.path) {
    if (typeof v !== 'object' || v === null) return null;
    v = (v as Record<string, unknown>)[k];
  }
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}
