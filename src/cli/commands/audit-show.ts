// `isotrace audit show ID`: one audit record (by record id, trace id or RRN) as `key: value`
// lines and its stages as a waterfall of bars scaled to the transaction's duration; or the record
// as JSON. The PAN shown is the record's, already masked.

import { AuditError, findAuditRecord, recordText } from '../../audit/index.js';
import { EXIT, UsageError, errorLine, type ExitCode, type Io } from '../io.js';
import { formatAmount, formatMs } from './audit-format.js';
import { auditDirFrom, runAuditCommand } from './audit-options.js';

/** Columns of bar in the waterfall: fits an 80-column terminal with names and times beside it. */
export const WATERFALL_BAR_WIDTH = 60;
const FILLED = '█';
const EMPTY = '░';

export interface AuditShowFlags {
  dir?: string;
  json?: boolean;
}

export interface WaterfallStage {
  name: string;
  start_us: number;
  duration_us: number;
  status?: string;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** The stages of a record, skipping malformed entries. */
function stagesOf(record: Record<string, unknown>): WaterfallStage[] {
  const stages = Array.isArray(record.stages) ? (record.stages as unknown[]) : [];
  return stages
    .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
    .map((s) => ({ name: String(s.name ?? '?'), start_us: num(s.start_us), duration_us: num(s.duration_us), status: typeof s.status === 'string' ? s.status : undefined }));
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

/** The record's key fields as aligned `key: value` lines. */
export function keyValueLines(record: Record<string, unknown>, where: string): string[] {
  const t = (a: string, b?: string): string => orDash(recordText(record, a, b));
  const outcome = (record.outcome ?? {}) as Record<string, unknown>;
  const currency = recordText(record, 'request', 'currency');
  const amount = formatAmount(recordText(record, 'request', 'amount'));
  const rows: Array<[string, string]> = [
    ['id', t('id')],
    ['trace_id', t('trace_id')],
    ['received_at', t('received_at')],
    ['completed_at', t('completed_at')],
    ['duration', `${orDash(formatMs(record.duration_us, 3))} ms`],
    ['source', `${t('source', 'remote')} (connection ${String((record.source as Record<string, unknown> | null)?.conn_id ?? '-')})`],
    ['mti', `${t('request', 'mti')} -> ${t('response', 'mti')}`],
    ['stan', t('request', 'stan')],
    ['rrn', t('request', 'rrn')],
    ['terminal_id', t('request', 'terminal_id')],
    ['merchant_id', t('request', 'merchant_id')],
    ['acquirer_id', t('request', 'acquirer_id')],
    ['processing_code', t('request', 'processing_code')],
    ['amount', amount === null ? '-' : `${amount}${currency === null ? '' : ` (currency ${currency})`}`],
    ['pan', t('request', 'pan')],
    ['route', `${t('route', 'issuer')} (bin ${t('route', 'bin')})`],
    ['response_code', t('outcome', 'response_code')],
    ['approval_code', t('outcome', 'approval_code')],
    ['reason', t('outcome', 'reason')],
    ['duplicate', outcome.duplicate === true ? 'yes' : 'no'],
    ['error', t('error')],
    ['stored', where],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`);
}

/** Shows one record: 0 when found, 1 (one line) when not, 2 for bad usage or a missing directory. */
export function runAuditShow(key: string, flags: AuditShowFlags, io: Io, env: NodeJS.ProcessEnv): Promise<ExitCode> {
  return runAuditCommand(io, async () => {
    if (key.trim() === '') throw new UsageError('audit show expects a record id, trace id or RRN', 'CLI_MISSING_ARGUMENT');
    const entry = await findAuditRecord(auditDirFrom(flags, env), key);
    if (entry === null) {
      io.err(errorLine(new AuditError('AUDIT_RECORD_NOT_FOUND', `no audit record has the id, trace id or RRN "${key}"`)));
      return EXIT.INVALID;
    }
    const r = entry.record;
    if (flags.json === true) {
      io.out(JSON.stringify(r));
      return EXIT.OK;
    }
    const stages = stagesOf(r);
    const head = `stages (${stages.length}, total ${orDash(formatMs(r.duration_us, 3))} ms):`;
    io.out([...keyValueLines(r, `${entry.file} line ${entry.line}`), '', head, ...waterfall(stages, num(r.duration_us))].join('\n'));
    return EXIT.OK;
  });
}
