// The audit record: the one type the switch's serializer declares it writes, the reader returns,
// and the verifier's chain mark belongs to. Its JSON Schema is docs/audit-record.schema.json
// (a test validates every record a real switch writes against it). Keys use the record's own
// snake_case, as stored; keys are listed in the order they are written.

/** The terminal connection a request came in on. */
export interface AuditSource {
  conn_id: string;
  /** `address:port` of the peer. */
  remote: string;
}

/** What the request said: values of a few fields (PAN masked) and the DE numbers present. */
export interface AuditRequest {
  mti: string;
  stan: string | null;
  rrn: string | null;
  terminal_id: string | null;
  merchant_id: string | null;
  acquirer_id: string | null;
  processing_code: string | null;
  amount: string | null;
  currency: string | null;
  /** Masked: at most the first 6 and last 4 digits shown, at least 6 hidden. */
  pan: string | null;
  fields: number[];
}

/** The issuer the BIN table chose, and the BIN or range that matched (digits past the sixth as `*`). */
export interface AuditRoute {
  issuer: string;
  bin: string | null;
}

export interface AuditOutcome {
  /** DE 39: a 2-character response code, or a 1993 action code of 3 digits. */
  response_code: string;
  approval_code: string | null;
  /** A few words of why. */
  reason: string;
  /** The request repeated one already answered. */
  duplicate: boolean;
}

export interface AuditResponse {
  mti: string;
  fields: number[];
}

/** One pipeline stage: its start relative to `received_at` and its duration, µs. */
export interface AuditStage {
  name: string;
  start_us: number;
  duration_us: number;
  status: 'ok' | 'error';
}

/** Why the transaction failed: the error code and, for a decode error, the field and byte offset. */
export interface AuditErrorInfo {
  code: string;
  /** A DE number, or an element such as `'mti'` or `'bitmap'`. */
  field: number | string | null;
  offset: number | null;
}

/** What every record starts with: its ids, times and where the request came from. */
interface AuditRecordHead {
  /** UUID v7, time-ordered. */
  id: string;
  trace_id: string;
  /** ISO 8601 UTC with microseconds. */
  received_at: string;
  completed_at: string;
  duration_us: number;
  source: AuditSource;
}

/** The record of one finished transaction, as the switch builds it (before the chain adds its keys). */
export interface AuditRecord extends AuditRecordHead {
  request: AuditRequest;
  route: AuditRoute | null;
  outcome: AuditOutcome;
  response: AuditResponse | null;
  stages: AuditStage[];
  error: AuditErrorInfo | null;
}

/**
 * The record of a request of which nothing past the MTI could be decoded: no stages, no field
 * lists, no empty keys (`stan`, `rrn`, `terminal_id` only when read).
 */
export interface CompactAuditRecord extends AuditRecordHead {
  /** The frame's length without its length header. */
  frame_bytes: number;
  request: { mti: string; stan?: string; rrn?: string; terminal_id?: string };
  outcome: { response_code: string };
  response: { mti: string } | null;
  error: AuditErrorInfo | null;
}

/** What the first record of every file states about the chain (hashed with it). */
export interface ChainMark {
  /** The hashes are HMACs: verifying needs the key. */
  keyed: boolean;
  /** The file's sequence number. */
  file: number;
  /** Records in the chain before this one (in earlier files, kept or deleted by retention). */
  records_before: number;
}

/** The keys the chain adds when a record is written: the mark (first record of a file), `prev`, `hash`. */
export interface ChainKeys {
  chain?: ChainMark;
  prev: string;
  hash: string;
}

/** A record as stored in the log and returned by readAudit. */
export type StoredAuditRecord = (AuditRecord | CompactAuditRecord) & ChainKeys;

/** A stored full record (not compact). */
export type StoredFullAuditRecord = AuditRecord & ChainKeys;

declare const RECORD_TEXT: unique symbol;

/**
 * The JSON text of an AuditRecord or CompactAuditRecord, as a serializer built it: exactly what
 * JSON.stringify gives for that record (the chain's canonical form depends on it).
 */
export type AuditRecordText = string & { readonly [RECORD_TEXT]: AuditRecord | CompactAuditRecord };

/** Marks `json` as the text of an audit record; the serializer's promise, checked by the schema test. */
export function asAuditRecordText(json: string): AuditRecordText {
  return json as AuditRecordText;
}

/** True for the compact record of an unreadable request. */
export function isCompactRecord(record: StoredAuditRecord): record is CompactAuditRecord & ChainKeys {
  return 'frame_bytes' in record;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isStage = (v: unknown): boolean => isObject(v) && typeof v.name === 'string';

/**
 * Why a parsed line is not an audit record, or null when it is one: the keys the readers
 * dereference are checked (ids, times, source, request MTI, response code, error, stages), not
 * every value: that is the schema's job.
 */
export function auditRecordProblem(value: Record<string, unknown>): string | null {
  for (const key of ['id', 'trace_id', 'received_at'] as const) if (typeof value[key] !== 'string') return `no ${key} string`;
  if (!isObject(value.request) || typeof value.request.mti !== 'string') return 'no request.mti string';
  if (!isObject(value.outcome) || typeof value.outcome.response_code !== 'string') return 'no outcome.response_code string';
  if (!isObject(value.source)) return 'no source object';
  if (value.error !== null && !isObject(value.error)) return 'error neither null nor an object';
  if (!('frame_bytes' in value) && !(Array.isArray(value.stages) && value.stages.every(isStage))) return 'no stages array of named stages';
  if (typeof value.prev !== 'string' || typeof value.hash !== 'string') return 'no prev and hash strings';
  return null;
}

/** Runtime guard of a parsed line: an audit record as readers use it. */
export function isStoredAuditRecord(value: Record<string, unknown>): value is Record<string, unknown> & StoredAuditRecord {
  return auditRecordProblem(value) === null;
}
