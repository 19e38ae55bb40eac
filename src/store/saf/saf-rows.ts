// The rows of isotrace.saf_entries (migration 5) and the SafEntry they are: the columns read back,
// an advice made into a row (DE 2 and the sensitive DEs sealed as the file queue seals them, the
// PAN masked beside them), and the key's fingerprint. No I/O.

import { createHmac } from 'node:crypto';
import { maskPan, REDACTED } from '../../codec/index.js';
import { sealFields, unsealFields, type SafEntry, type SafState } from '../../saf/index.js';

/** The NOTIFY channel: its payload is the issuer whose advices changed. */
export const SAF_CHANNEL = 'isotrace_saf';

/** The columns every read returns, in the shape of SafRow. */
export const SAF_COLUMNS = `id, issuer, mti, reason, traceparent, fields, sensitive, sealed, pan_masked, state, attempts,
  queued_at, last_attempt_at, next_attempt_at`;

export interface SafRow {
  id: string;
  issuer: string;
  mti: string;
  reason: string;
  traceparent: string | null;
  fields: Record<string, string>;
  sensitive: number[];
  sealed: string | null;
  pan_masked: string | null;
  state: 'owed' | 'acknowledged' | 'purged';
  attempts: number;
  queued_at: Date;
  last_attempt_at: Date | null;
  next_attempt_at: Date;
}

/** An entry to insert, as jsonb_to_recordset reads it (times in ms since the epoch). */
export interface NewRow {
  id: number;
  issuer: string;
  mti: string;
  reason: string;
  traceparent: string | null;
  fields: Record<number, string>;
  sensitive: number[];
  sealed: string | null;
  pan_masked: string | null;
  queued_ms: number;
  next_ms: number;
  queued_by: string;
}

/** One statement, so one transaction: the batch's rows, and a notification per issuer at commit. */
export const INSERT_ROWS = `
  WITH ins AS (
    INSERT INTO isotrace.saf_entries (id, issuer, mti, reason, traceparent, fields, sensitive, sealed, pan_masked, queued_at, next_attempt_at, queued_by)
    SELECT id, issuer, mti, reason, traceparent, fields, sensitive, sealed, pan_masked, to_timestamp(queued_ms / 1000.0), to_timestamp(next_ms / 1000.0), queued_by
    FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, issuer text, mti text, reason text, traceparent text, fields jsonb, sensitive smallint[],
      sealed text, pan_masked text, queued_ms bigint, next_ms bigint, queued_by text)
    RETURNING issuer)
  SELECT pg_notify('${SAF_CHANNEL}', issuer) FROM (SELECT DISTINCT issuer FROM ins) AS d`;

/**
 * The row of an advice: the DEs of `sensitive` (DE 2 among them when present, as checkAdvice
 * gives them) sealed under `key` for entry `id`, the others in clear.
 */
export function newRow(id: number, advice: { issuer: string; mti: string; reason: string; traceparent: string | null; fields: Readonly<Record<number, string>> },
  sensitive: readonly number[], key: Buffer, nowMs: number, createdAt: number, nodeId: string): NewRow {
  const isSealed = new Set(sensitive);
  const clear: Record<number, string> = {};
  const toSeal: Record<number, string> = {};
  for (const [de, value] of Object.entries(advice.fields)) (isSealed.has(Number(de)) ? toSeal : clear)[Number(de)] = value;
  const pan = advice.fields[2];
  return {
    id, issuer: advice.issuer, mti: advice.mti, reason: advice.reason, traceparent: advice.traceparent, fields: clear, sensitive: [...sensitive],
    sealed: sensitive.length === 0 ? null : sealFields(key, id, advice.issuer, toSeal), pan_masked: pan === undefined ? null : maskPan(pan),
    queued_ms: createdAt, next_ms: nowMs, queued_by: nodeId,
  };
}

const stateOf = (row: SafRow): SafState => (row.state === 'owed' ? (row.attempts > 0 ? 'sent' : 'queued') : row.state);

/**
 * `row` as a SafEntry: sealed fields opened with `key`; with a null key (the `saf` commands, which
 * hold none) DE 2 is the masked PAN and every other sealed DE is `***`.
 * @throws SafError SAF_KEY_INVALID when `key` does not open them, SAF_BAD_LOG when they are not sealed text.
 */
export function entryOfRow(row: SafRow, key: Buffer | null): SafEntry {
  const id = Number(row.id);
  let fields: Record<number, string> = row.fields;
  if (row.sealed !== null && key !== null) fields = { ...row.fields, ...unsealFields(key, id, row.issuer, row.sealed) };
  else if (row.sealed !== null) {
    fields = { ...row.fields };
    for (const de of row.sensitive) fields[de] = de === 2 && row.pan_masked !== null ? row.pan_masked : REDACTED;
  }
  return Object.freeze({
    id, issuer: row.issuer, traceparent: row.traceparent, mti: row.mti, fields: Object.freeze(fields), sensitive: Object.freeze([...row.sensitive]),
    reason: row.reason, createdAt: row.queued_at.getTime(), state: stateOf(row), attempts: row.attempts,
    lastAttemptAt: row.last_attempt_at?.getTime() ?? null, nextAttemptAt: row.next_attempt_at.getTime(),
  });
}

/** The key's fingerprint kept in isotrace.saf_key: an HMAC under the key of a fixed text (the key cannot be had from it). */
export function keyCheckOf(key: Buffer): string {
  return createHmac('sha256', key).update('isotrace saf key check v1').digest('hex');
}
