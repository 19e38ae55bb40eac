// Options shared by the `isotrace audit` sub-commands: the directory, times (`--since 15m`,
// ISO 8601), counts, and how their failures become one line and an exit code.

import { AuditError, DEFAULT_AUDIT_DIR } from '../../../audit/index.js';
import { durationMs } from '../../duration.js';
import { runReportingErrors, UsageError, type ExitCode, type Io } from '../../io.js';
import { ConfigError } from '../../../common/index.js';

/** The audit directory: --dir, else ISOTRACE_AUDIT_DIR, else ./var/audit. */
export function auditDirFrom(opts: { dir?: string }, env: NodeJS.ProcessEnv): string {
  return opts.dir ?? (env.ISOTRACE_AUDIT_DIR || DEFAULT_AUDIT_DIR);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A point in time from `text`: a span back from `nowMs` (`90s`, `15m`, `2h`, `1d`) or ISO 8601
 * (`2026-11-23`, `2026-11-23T20:30`, `2026-11-23 20:30:00.5+01:00`); without an offset it is UTC,
 * as `audit list` prints times. Returns ms since the epoch.
 * @throws UsageError naming `flag` when it is neither.
 */
export function parseTimeMs(flag: string, text: string, nowMs: number): number {
  // A span needs its unit here: a plain number would read as a year as easily as milliseconds.
  const spanMs = /[a-z]$/.test(text.trim()) ? durationMs(text) : NaN;
  if (Number.isFinite(spanMs)) return nowMs - spanMs;
  const m = ISO_DATE.exec(text.trim());
  if (m !== null) {
    const iso = text.trim().replace(' ', 'T');
    const ms = Date.parse(m[4] === undefined && m[1] !== undefined ? `${iso}Z` : iso);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new UsageError(`${flag} expects an ISO 8601 time (2026-11-23T20:30Z) or a span back from now (90s, 15m, 2h, 1d) (got "${text}")`);
}

/** An integer >= `min` from `text`. @throws UsageError naming `flag`. */
export function parseCount(flag: string, text: string, min: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw new UsageError(`${flag} expects an integer >= ${min} (got "${text}")`);
  return Number(text);
}

/** Failures the person running the tool fixes in its arguments: a missing directory, a bad store URL, a database without a transaction log. */
export function isAuditUsageProblem(err: unknown): boolean {
  if (err instanceof ConfigError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return (err instanceof AuditError && code === 'AUDIT_DIR_NOT_FOUND') || code === 'STORE_NO_TXN_LOG';
}

/**
 * Runs `body`, turning a throw into one line on stderr and an exit code: 2 for bad usage, a
 * missing directory or a database without a transaction log, 1 for anything else (such as a line
 * that is not a record, or a store not reached).
 */
export function runAuditCommand(io: Io, body: () => Promise<ExitCode>): Promise<ExitCode> {
  return runReportingErrors(io, body, isAuditUsageProblem);
}
