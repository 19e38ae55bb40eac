// `isotrace audit list`: the newest audit records matching the filters, as a compact table or a
// JSON array. Turns flags into an AuditQuery; the querying itself is src/audit's.

import type { AuditQuery } from '../../../audit/index.js';
import { EXIT, UsageError, type ExitCode, type Io } from '../../io.js';
import { compactHeader, compactLine } from './format.js';
import { parseCount, parseTimeMs, runAuditCommand } from './options.js';
import { withAuditSource } from './source.js';

export const DEFAULT_LIST_LIMIT = 50;

export interface AuditListFlags {
  dir?: string;
  store?: string;
  since?: string;
  until?: string;
  terminal?: string;
  rc?: string;
  mti?: string;
  stan?: string;
  rrn?: string;
  limit?: string;
  json?: boolean;
}

/** The query the flags describe, times relative to `nowMs`. @throws UsageError for a bad value. */
export function queryOf(flags: AuditListFlags, nowMs: number): AuditQuery {
  const query: AuditQuery = {};
  if (flags.since !== undefined) query.sinceMs = parseTimeMs('--since', flags.since, nowMs);
  if (flags.until !== undefined) query.untilMs = parseTimeMs('--until', flags.until, nowMs);
  if (query.sinceMs !== undefined && query.untilMs !== undefined && query.sinceMs >= query.untilMs) {
    throw new UsageError('--since must be earlier than --until', 'CLI_BAD_USAGE');
  }
  const exact: Array<[keyof AuditQuery, string | undefined, string, RegExp, string]> = [
    ['terminalId', flags.terminal, '--terminal', /^.{1,16}$/, '1..16 characters'],
    ['responseCode', flags.rc, '--rc', /^[0-9A-Za-z]{2,3}$/, 'a response code of 2 characters, or a 1993 action code of 3 digits'],
    ['mti', flags.mti, '--mti', /^\d{4}$/, '4 digits'],
    ['stan', flags.stan, '--stan', /^\d{6}$/, '6 digits'],
    ['rrn', flags.rrn, '--rrn', /^[0-9A-Za-z ]{12}$/, '12 letters, digits or spaces'],
  ];
  for (const [key, value, flag, shape, what] of exact) {
    if (value === undefined) continue;
    if (!shape.test(value)) throw new UsageError(`${flag} expects ${what} (got "${value}")`);
    (query as Record<string, string>)[key] = value;
  }
  return query;
}

/**
 * Lists the newest matching records, newest first: 0 with a table (or `[]`/"no records" when none
 * match), 1 for a line that is not a record or a store not reached, 2 for bad usage, a missing
 * directory or a database without a transaction log.
 */
export function runAuditList(flags: AuditListFlags, io: Io, env: NodeJS.ProcessEnv, nowMs = Date.now()): Promise<ExitCode> {
  return runAuditCommand(io, async () => {
    const query = queryOf(flags, nowMs);
    const limit = flags.limit === undefined ? DEFAULT_LIST_LIMIT : parseCount('--limit', flags.limit, 1);
    const entries = await withAuditSource(flags, env, (source) => source.list(query, limit));
    if (flags.json === true) io.out(JSON.stringify(entries.map((e) => e.record)));
    else if (entries.length === 0) io.out('audit: no matching records');
    else io.out([compactHeader(), ...entries.map((e) => compactLine(e.record))].join('\n'));
    return EXIT.OK;
  });
}
