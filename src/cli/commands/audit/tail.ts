// `isotrace audit tail [-f]`: the last N audit records, one compact line (or JSON line) each, then
// with -f every record written after, until the signal fires (SIGINT at the command line).

import { lastAuditEntries, readAudit, type StoredAuditRecord } from '../../../audit/index.js';
import { EXIT, type ExitCode, type Io } from '../../io.js';
import { compactHeader, compactLine } from './format.js';
import { auditDirFrom, parseCount, runAuditCommand } from './options.js';

export const DEFAULT_TAIL_LINES = 10;

export interface AuditTailFlags {
  dir?: string;
  follow?: boolean;
  lines?: string;
  json?: boolean;
}

export interface AuditTailControl {
  /** Ends following (SIGINT at the command line). */
  signal?: AbortSignal;
  /** How often to look for new records while following, ms (default: readAudit's 200). */
  pollIntervalMs?: number;
}

/**
 * Prints the last `-n` records (chain order, oldest first), then with --follow each new record as
 * it is written until `control.signal` fires. 0 when done, 1 for a line that is not a record,
 * 2 for bad usage or a missing directory.
 */
export function runAuditTail(flags: AuditTailFlags, io: Io, env: NodeJS.ProcessEnv, control: AuditTailControl = {}): Promise<ExitCode> {
  return runAuditCommand(io, async () => {
    const lines = flags.lines === undefined ? DEFAULT_TAIL_LINES : parseCount('-n/--lines', flags.lines, 0);
    const dir = auditDirFrom(flags, env);
    const print = (record: StoredAuditRecord): void => io.out(flags.json === true ? JSON.stringify(record) : compactLine(record));
    const { entries, seen } = await lastAuditEntries(dir, lines);
    if (flags.json !== true && (entries.length > 0 || flags.follow === true)) io.out(compactHeader());
    for (const e of entries) print(e.record);
    if (flags.follow !== true) return EXIT.OK;
    // The log only grows: the first `seen` records of a second pass are the ones already handled.
    let skip = seen;
    for await (const e of readAudit(dir, { follow: true, signal: control.signal, pollIntervalMs: control.pollIntervalMs })) {
      if (skip > 0) skip--;
      else print(e.record);
    }
    return EXIT.OK;
  });
}
