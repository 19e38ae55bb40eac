// Querying the audit log: filters over records, the newest matching records up to a limit, the
// last N records, and the lookup of one record by record id, trace id or RRN. Read-only; records
// are not checked against the chain (verifyAudit does that).

import { readAudit, type AuditEntry } from './reader.js';

/** What `audit list` filters on; every field set must match (absent fields match anything). */
export interface AuditQuery {
  /** Only records received at or after this wall-clock time, ms since the epoch. */
  sinceMs?: number;
  /** Only records received before this wall-clock time, ms since the epoch. */
  untilMs?: number;
  terminalId?: string;
  /** DE 39 of the answer, e.g. `05`. */
  responseCode?: string;
  mti?: string;
  stan?: string;
  rrn?: string;
  /**
   * What `audit show` looks a record up by: its record id or trace id, or any prefix of them (hex
   * case ignored, as `audit list` prints the first 8 digits of a trace id), or its RRN exactly.
   */
  key?: string;
}

/** The string at `record[a][b]` (or `record[a]`), else null: records from older writers may lack keys. */
export function recordText(record: Record<string, unknown>, a: string, b?: string): string | null {
  let value = record[a];
  if (b !== undefined) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[b] : undefined;
  return typeof value === 'string' ? value : null;
}

/** `received_at` as ms since the epoch (microseconds dropped), or NaN when absent or unparsable. */
export function receivedAtMs(record: Record<string, unknown>): number {
  const text = recordText(record, 'received_at');
  return text === null ? Number.NaN : Date.parse(text);
}

/** True when `record` passes every filter of `query`. */
export function matchesQuery(record: Record<string, unknown>, query: AuditQuery): boolean {
  if (query.sinceMs !== undefined || query.untilMs !== undefined) {
    const at = receivedAtMs(record);
    if (Number.isNaN(at)) return false;
    if (query.sinceMs !== undefined && at < query.sinceMs) return false;
    if (query.untilMs !== undefined && at >= query.untilMs) return false;
  }
  const checks: Array<[string | undefined, string, string]> = [
    [query.terminalId, 'request', 'terminal_id'],
    [query.responseCode, 'outcome', 'response_code'],
    [query.mti, 'request', 'mti'],
    [query.stan, 'request', 'stan'],
    [query.rrn, 'request', 'rrn'],
  ];
  return checks.every(([wanted, a, b]) => wanted === undefined || recordText(record, a, b) === wanted)
    && (query.key === undefined || matchesKey(record, query.key));
}

/** True when `key` is the record's RRN, or its record id or trace id or a prefix of one (case ignored). */
export function matchesKey(record: Record<string, unknown>, key: string): boolean {
  if (recordText(record, 'request', 'rrn') === key) return true;
  const lower = key.toLowerCase();
  return recordText(record, 'id')?.startsWith(lower) === true || recordText(record, 'trace_id')?.startsWith(lower) === true;
}

/**
 * The last `limit` records of `dir` matching `query`, in chain order (oldest first). Keeps at most
 * `limit` entries in memory whatever the size of the log.
 * @throws AuditError AUDIT_DIR_NOT_FOUND, AUDIT_BAD_RECORD (as readAudit).
 */
export async function lastAuditEntries(dir: string, limit: number, query: AuditQuery = {}): Promise<{ entries: AuditEntry[]; seen: number; matched: number }> {
  const ring: AuditEntry[] = [];
  let seen = 0;
  let matched = 0;
  let next = 0;
  for await (const entry of readAudit(dir)) {
    seen++;
    if (!matchesQuery(entry.record, query)) continue;
    matched++;
    if (limit <= 0) continue;
    if (ring.length < limit) ring.push(entry);
    else ring[next] = entry;
    next = (next + 1) % limit;
  }
  const entries = ring.length < limit ? ring : [...ring.slice(next), ...ring.slice(0, next)];
  return { entries, seen, matched };
}

/**
 * The newest `limit` records of `dir` matching `query`, newest first (reverse chain order, which is
 * the order the switch finished them in).
 * @throws AuditError AUDIT_DIR_NOT_FOUND, AUDIT_BAD_RECORD (as readAudit).
 */
export async function queryAudit(dir: string, query: AuditQuery, limit: number): Promise<AuditEntry[]> {
  return (await lastAuditEntries(dir, limit, query)).entries.reverse();
}

/**
 * The records `audit show` finds for `query` (its `key`, see AuditQuery, and any other filters):
 * the newest `limit` of them, newest first, and how many matched in all. One match is the record;
 * more (an RRN repeated by a duplicate or a reversal, a short prefix) are for the caller to list.
 * @throws AuditError AUDIT_DIR_NOT_FOUND, AUDIT_BAD_RECORD (as readAudit).
 */
export async function findAuditRecords(dir: string, query: AuditQuery, limit: number): Promise<{ entries: AuditEntry[]; matched: number }> {
  const { entries, matched } = await lastAuditEntries(dir, limit, query);
  return { entries: entries.reverse(), matched };
}
