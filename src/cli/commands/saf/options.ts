// What the `isotrace saf` sub-commands share: where the queue is (--store or
// ISOTRACE_DATABASE_URL, else --saf-dir, ISOTRACE_SAF_DIR, ./var/saf), entry ids, and how a
// failure becomes one line and an exit code.

import { DEFAULT_SAF_DIR, SafError } from '../../../saf/index.js';
import { ConfigError } from '../../../common/index.js';
import { StoreSafAdmin } from '../../../store/index.js';
import { runReportingErrors, UsageError, type ExitCode, type Io } from '../../io.js';

export interface SafDirFlags {
  safDir?: string;
  store?: string;
}

/** The queue a command works on: a saf directory, or the PostgreSQL store's. */
export type SafSource = { readonly dir: string } | { readonly store: string };

/**
 * --store, else --saf-dir, else ISOTRACE_DATABASE_URL, else ISOTRACE_SAF_DIR, else ./var/saf: a
 * switch given a store keeps its queue there, so the variable that gives it one wins here too.
 * @throws UsageError CLI_BAD_USAGE for both --store and --saf-dir.
 */
export function safSourceFrom(flags: SafDirFlags, env: NodeJS.ProcessEnv): SafSource {
  if (flags.store !== undefined && flags.safDir !== undefined) throw new UsageError('--store and --saf-dir name two queues: give one', 'CLI_BAD_USAGE');
  if (flags.store !== undefined) return { store: flags.store };
  if (flags.safDir === undefined && env.ISOTRACE_DATABASE_URL) return { store: env.ISOTRACE_DATABASE_URL };
  return { dir: safDirFrom(flags, env) };
}

/** Connects to the store's queue, runs `fn`, closes the connection. */
export async function withStoreAdmin<T>(url: string, fn: (admin: StoreSafAdmin) => Promise<T>): Promise<T> {
  const admin = await StoreSafAdmin.connect(url);
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
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
 * missing directory or a store URL that is not one, 1 for anything else (a locked directory, an unknown entry, a damaged log).
 */
export function runSafCommand(io: Io, body: () => Promise<ExitCode>): Promise<ExitCode> {
  return runReportingErrors(io, body, (err) => err instanceof ConfigError || (err instanceof SafError && err.code === 'SAF_DIR_NOT_FOUND'));
}
