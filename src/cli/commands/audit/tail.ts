// `isotrace audit tail [-f]`: the last N audit records, one compact line (or JSON line) each, then
// with -f every record written after, until the signal fires (SIGINT at the command line).

import type { StoredAuditRecord } from '../../../audit/index.js';
import { EXIT, type ExitCode, type Io } from '../../io.js';
import { compactHeader, compactLine } from './format.js';
import { parseCount, runAuditCommand } from './options.js';
import { withAuditSource } from './source.js';

export const DEFAULT_TAIL_LINES = 10;

export interface AuditTailFlags {
  dir?: string;
  store?: string;
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
    const print = (record: StoredAuditRecord): void => io.out(flags.json === true ? JSON.stringify(record) : compactLine(record));
    await withAuditSource(flags, env, async (source) => {
      const entries = await source.last(lines);
      if (flags.json !== true && (entries.length > 0 || flags.follow === true)) io.out(compactHeader());
      for (const e of entries) print(e.record);
      if (flags.follow !== true) return;
      const onNotice = (line: string): void => io.err(line);
      for await (const e of source.follow({ signal: control.signal, pollIntervalMs: control.pollIntervalMs, onNotice })) print(e.record);
    });
    return EXIT.OK;
  });
}
