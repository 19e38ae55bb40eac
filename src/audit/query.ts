// Querying the audit log: filters over records, the newest matching records up to a limit, the
// last N records, and the lookup of one record by record id, trace id or RRN. Read-only; records
// are not checked against the chain (verifyAudit does that).

import { readAudit, type AuditEntry } from './reader.js';
import type { StoredAuditRecord } from './record.js';

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

/** `received_at` as ms since the epoch (microseconds dropped), or NaN when unparsable. */
export function receivedAtMs(record: StoredAuditRecord): number {
  return typeof record.received_at === 'string' ? Date.parse(record.received_at) : Number.NaN;
}

/** True when `wanted` is unset or equals `value`. */
const isMatch = (wanted: string | undefined, value: string | null | undefined): boolean => wanted === undefined || value === wanted;

/** True when `record` passes every filter of `query`. */
export function matchesQuery(record: StoredAuditRecord, query: AuditQuery): boolean {
  if (query.sinceMs !== undefined || query.untilMs !== undefined) {
    const at = receivedAtMs(record);
    if (Number.isNaN(at)) return false;
    if (query.sinceMs !== undefined && at < query.sinceMs) return false;
    if (query.untilMs !== undefined && at >= query.untilMs) return false;
  }
  const { request } = record;
  return isMatch(query.terminalId, request.terminal_id) && isMatch(query.responseCode, record.outcome.response_code)
    && isMatch(query.mti, request.mti) && isMatch(query.stan, request.stan) && isMatch(query.rrn, request.rrn)
    && (query.key === undefined || matchesKey(record, query.key));
}

/** True when `key` is the record's RRN, or its record id or trace id or a prefix of one (case ignored). */
export function matchesKey(record: StoredAuditRecord, key: string): boolean {
  if (record.request.rrn === key) return true;
  const lower = key.toLowerCase();
  return record.id.startsWith(lower) || record.trace_id.startsWith(lower);
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
