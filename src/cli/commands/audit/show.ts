// `isotrace audit show KEY`: one audit record (by record id, trace id, a prefix of either, or RRN;
// narrowed by STAN, terminal, MTI) as `key: value` lines and its stages as a waterfall of bars
// scaled to the transaction's duration; or the record as JSON. Several matches are listed, not
// guessed between. The PAN shown is the record's, already masked.

import { AuditError, isCompactRecord, type AuditErrorInfo, type StoredAuditRecord } from '../../../audit/index.js';
import { EXIT, UsageError, errorLine, type ExitCode, type Io } from '../../io.js';
import { compactHeader, compactLine, formatAmount, formatMs, fullRequest } from './format.js';
import { queryOf } from './list.js';
import { runAuditCommand } from './options.js';
import { withAuditSource, type LocatedRecord } from './source.js';

/** At most this many matches of an ambiguous key are listed (or shown with --all). */
export const SHOW_MAX_MATCHES = 50;

/** Columns of bar in the waterfall: fits an 80-column terminal with names and times beside it. */
export const WATERFALL_BAR_WIDTH = 60;
const FILLED = '█';
const EMPTY = '░';

export interface AuditShowFlags {
  dir?: string;
  store?: string;
  json?: boolean;
  stan?: string;
  terminal?: string;
  mti?: string;
  /** Show every match in full instead of listing them when the key is ambiguous. */
  all?: boolean;
}

export interface WaterfallStage {
  name: string;
  start_us: number;
  duration_us: number;
  status?: string;
}

const num = (v: number): number => (Number.isFinite(v) && v > 0 ? v : 0);

/** The stages of a record (none for a compact one). */
function stagesOf(record: StoredAuditRecord): WaterfallStage[] {
  return isCompactRecord(record) ? [] : record.stages.map((s) => ({ name: s.name, start_us: num(s.start_us), duration_us: num(s.duration_us), status: s.status }));
}

/**
 * One line per stage: `name  |░░██████░░░░| 0.12 ms`, the bar positioned by `start_us` and sized by
 * `duration_us` within `totalUs` (stretched to the last stage's end should that be later). Every
 * stage gets at least one filled column, so a very short stage stays visible.
 */
export function waterfall(stages: readonly WaterfallStage[], totalUs: number, width = WATERFALL_BAR_WIDTH): string[] {
  const total = Math.max(totalUs, ...stages.map((s) => s.start_us + s.duration_us), 1);
  const nameWidth = Math.max(0, ...stages.map((s) => s.name.length));
  return stages.map((s) => {
    const from = Math.min(width - 1, Math.floor((s.start_us / total) * width));
    const to = Math.min(width, Math.max(from + 1, Math.round(((s.start_us + s.duration_us) / total) * width)));
    const bar = EMPTY.repeat(from) + FILLED.repeat(to - from) + EMPTY.repeat(width - to);
    const status = s.status === undefined || s.status === 'ok' ? '' : `  ${s.status}`;
    return `${s.name.padEnd(nameWidth)}  |${bar}| ${formatMs(s.duration_us)} ms${status}`;
  });
}

const orDash = (v: string | null | undefined): string => v ?? '-';

/** The record's `error` as `CODE (field F, byte O)`. */
function errorText(error: AuditErrorInfo | null): string {
  if (error === null) return '-';
  const { code, field, offset } = error;
  const where = [field === null ? '' : `field ${String(field)}`, offset === null ? '' : `byte ${offset}`].filter((w) => w !== '');
  return `${code}${where.length === 0 ? '' : ` (${where.join(', ')})`}`;
}

/** The record's key fields as aligned `key: value` lines. */
export function keyValueLines(record: StoredAuditRecord, where: string): string[] {
  const { request, outcome, source } = record;
  const full = isCompactRecord(record) ? null : record;
  const fullReq = fullRequest(record);
  const currency = fullReq?.currency ?? null;
  const amount = formatAmount(fullReq?.amount ?? null);
  const rows: Array<[string, string]> = [
    ['id', record.id],
    ['trace_id', record.trace_id],
    ['received_at', record.received_at],
    ['completed_at', orDash(record.completed_at)],
    ['duration', `${orDash(formatMs(record.duration_us, 3))} ms`],
    ['source', `${orDash(source.remote)} (connection ${source.conn_id})`],
    ['mti', `${request.mti} -> ${orDash(record.response?.mti)}`],
    ['stan', orDash(request.stan)],
    ['rrn', orDash(request.rrn)],
    ['terminal_id', orDash(request.terminal_id)],
    ['merchant_id', orDash(fullReq?.merchant_id)],
    ['acquirer_id', orDash(fullReq?.acquirer_id)],
    ['processing_code', orDash(fullReq?.processing_code)],
    ['amount', amount === null ? '-' : `${amount}${currency === null ? '' : ` (currency ${currency})`}`],
    ['pan', orDash(fullReq?.pan)],
    ['route', `${orDash(full?.route?.issuer)} (bin ${orDash(full?.route?.bin)})`],
    ['response_code', outcome.response_code],
    ['approval_code', orDash(full?.outcome.approval_code)],
    ['reason', orDash(full?.outcome.reason)],
    ['duplicate', full?.outcome.duplicate === true ? 'yes' : 'no'],
    ['error', errorText(record.error)],
    ['stored', where],
  ];
  // A compact record (nothing readable past the MTI) says how long the frame was.
  if (isCompactRecord(record)) rows.splice(6, 0, ['frame', `${record.frame_bytes} bytes, nothing readable past the MTI`]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`);
}

/** The full form of one record: key fields, then the waterfall. */
function fullForm(entry: LocatedRecord): string {
  const r = entry.record;
  const stages = stagesOf(r);
  const head = `stages (${stages.length}, total ${orDash(formatMs(r.duration_us, 3))} ms):`;
  return [...keyValueLines(r, entry.where), '', head, ...waterfall(stages, num(r.duration_us))].join('\n');
}

/** How the lookup reads in messages: `"KEY"`, `STAN 000123`, `terminal TERM0001`. */
function lookupText(key: string | undefined, flags: AuditShowFlags): string {
  const parts = key === undefined ? [] : [`"${key}"`];
  if (flags.stan !== undefined) parts.push(`STAN ${flags.stan}`);
  if (flags.terminal !== undefined) parts.push(`terminal ${flags.terminal}`);
  if (flags.mti !== undefined) parts.push(`MTI ${flags.mti}`);
  return parts.join(', ');
}

/**
 * Shows the record KEY (and the filters) find: 0 when exactly one matches, or with --all when any
 * do; 1 (one line on stderr) when none does, or when several do: they are then listed as by
 * `audit list` (newest first; with --json as an array) for the user to pick one by its trace id or
 * narrow the lookup. 2 for bad usage or a missing directory.
 */
export function runAuditShow(key: string | undefined, flags: AuditShowFlags, io: Io, env: NodeJS.ProcessEnv): Promise<ExitCode> {
  return runAuditCommand(io, async () => {
    const hasKey = key !== undefined && key.trim() !== '';
    if (!hasKey && flags.stan === undefined) {
      throw new UsageError('audit show expects a record id, trace id (or a prefix of one) or RRN, or --stan (with --terminal)', 'CLI_MISSING_ARGUMENT');
    }
    const query = queryOf({ stan: flags.stan, terminal: flags.terminal, mti: flags.mti }, 0);
    if (hasKey) query.key = key.trim();
    const { entries, matched } = await withAuditSource(flags, env, (source) => source.find(query, SHOW_MAX_MATCHES));
    const what = lookupText(query.key, flags);
    if (matched === 0) {
      io.err(errorLine(new AuditError('AUDIT_RECORD_NOT_FOUND', `no audit record matches ${what} (by id, trace id or a prefix of one, or RRN)`)));
      return EXIT.INVALID;
    }
    const isOne = matched === 1 || flags.all === true;
    if (flags.json === true) io.out(isOne && matched === 1 ? JSON.stringify(entries[0].record) : JSON.stringify(entries.map((e) => e.record)));
    else if (isOne) io.out(entries.map(fullForm).join('\n\n'));
    else io.out([compactHeader(), ...entries.map((e) => compactLine(e.record))].join('\n'));
    if (isOne) return EXIT.OK;
    const listed = matched > entries.length ? `the newest ${entries.length} listed` : 'listed newest first';
    io.err(errorLine(new AuditError('AUDIT_KEY_AMBIGUOUS', `${what} matches ${matched} audit records (${listed}): show one by its trace id, narrow with --stan, --terminal or --mti, or add --all`)));
    return EXIT.INVALID;
  });
}
