// What the `isotrace saf` sub-commands share: the directory (--saf-dir, ISOTRACE_SAF_DIR,
// ./var/saf), entry ids, and how a failure becomes one line and an exit code.

import { DEFAULT_SAF_DIR, SafError } from '../../../saf/index.js';
import { runReportingErrors, UsageError, type ExitCode, type Io } from '../../io.js';

export interface SafDirFlags {
  safDir?: string;
}

/** The saf directory: --saf-dir, else ISOTRACE_SAF_DIR, else ./var/saf. */
export function safDirFrom(flags: SafDirFlags, env: NodeJS.ProcessEnv): string {
  return flags.safDir ?? (env.ISOTRACE_SAF_DIR || DEFAULT_SAF_DIR);
}

/** An entry id (a positive integer) from `text`. @throws UsageError CLI_BAD_VALUE. */
export function parseEntryId(text: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(text.trim())) throw new UsageError(`entry id expects a positive integer, as saf list shows (got "${text}")`);
  return Number(text.trim());
}

/**
 * Runs `body`, turning a throw into one line on stderr and an exit code: 2 for bad usage or a
 * missing directory, 1 for anything else (a locked directory, an unknown entry, a damaged log).
 */
export function runSafCommand(io: Io, body: () => Promise<ExitCode>): Promise<ExitCode> {
  return runReportingErrors(io, body, (err) => err instanceof SafError && err.code === 'SAF_DIR_NOT_FOUND');
}
