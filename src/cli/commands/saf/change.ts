// `isotrace saf retry` and `isotrace saf purge`: change a directory's queue as its owner, so they
// take its lock and are refused (SAF_LOCKED) while a switch runs on it (the running switch holds
// its queue in memory: a change behind its back would be undone or lost, never seen). The store's
// queue they change row by row, under row locks, while switches run.

import { userInfo } from 'node:os';
import { checkSafDir, SafError, SafQueue, type SafEntry } from '../../../saf/index.js';
import { EXIT, UsageError, type ExitCode, type Io } from '../../io.js';
import { entryView, safHeader, safLine } from './format.js';
import { parseEntryId, runSafCommand, safSourceFrom, withStoreAdmin, type SafDirFlags } from './options.js';
import type { SafTarget, StoreSafAdmin } from '../../../store/index.js';

export interface SafChangeFlags extends SafDirFlags {
  all?: boolean;
  issuer?: string;
  yes?: boolean;
  json?: boolean;
}

/** The entry id, or every entry (of --issuer) with --all. @throws UsageError unless exactly one is given. */
function targetOf(idText: string | undefined, flags: SafChangeFlags, command: string): number | 'all' {
  if ((idText === undefined) === (flags.all !== true)) throw new UsageError(`saf ${command} takes an entry id or --all (one of them)`, 'CLI_BAD_USAGE');
  if (flags.issuer !== undefined && flags.all !== true) throw new UsageError(`--issuer goes with --all: an entry id names one entry already`, 'CLI_BAD_USAGE');
  return idText === undefined ? 'all' : parseEntryId(idText);
}

/** Opens the queue of `dir` as its owner, runs `fn`, closes it. */
async function withQueue<T>(dir: string, fn: (q: SafQueue) => Promise<T>): Promise<T> {
  await checkSafDir(dir); // an owner would create it: a mistyped --saf-dir must not
  let queue: SafQueue;
  try {
    queue = await SafQueue.open({ dir });
  } catch (err) {
    if (!(err instanceof SafError) || err.code !== 'SAF_LOCKED') throw err;
    throw new SafError('SAF_LOCKED', `${err.message}; saf retry and purge change the queue only while no switch runs on it: stop it first`, { cause: err });
  }
  try {
    return await fn(queue);
  } finally {
    await queue.close();
  }
}

/** The entries `target` names. @throws SafError SAF_ENTRY_NOT_FOUND for an id not owed. */
function targets(queue: SafQueue, target: number | 'all', issuer: string | undefined): SafEntry[] {
  if (target === 'all') return queue.entries(issuer);
  const entry = queue.get(target);
  if (entry === null) throw new SafError('SAF_ENTRY_NOT_FOUND', `no entry ${target} is owed in ${queue.dir} (never queued, or acknowledged or purged since)`);
  return [entry];
}

function report(io: Io, flags: SafChangeFlags, done: SafEntry[], what: string, nowMs: number): void {
  const views = done.map(entryView);
  if (flags.json === true) io.out(JSON.stringify(views));
  else if (views.length === 0) io.out(`saf: nothing owed${flags.issuer === undefined ? '' : ` to ${flags.issuer}`}`);
  else io.out([`saf: ${views.length} ${views.length === 1 ? 'entry' : 'entries'} ${what}`, safHeader(), ...views.map((v) => safLine(v, nowMs))].join('\n'));
}

/**
 * Runs `onDir` on the queue of a directory (as its owner) or `onStore` on the store's, for the
 * entries `target` names; reports what changed, `said` of a directory's or the store's.
 */
async function change(
  io: Io, flags: SafChangeFlags, env: NodeJS.ProcessEnv, target: number | 'all', said: { dir: string; store: string }, nowMs: number,
  onDir: (q: SafQueue, e: SafEntry) => Promise<SafEntry>, onStore: (a: StoreSafAdmin) => Promise<SafEntry[]>,
): Promise<ExitCode> {
  const source = safSourceFrom(flags, env);
  const done = 'store' in source
    ? await withStoreAdmin(source.store, onStore)
    : await withQueue(source.dir, async (q) => Promise.all(targets(q, target, flags.issuer).map((e) => onDir(q, e))));
  report(io, flags, done, 'store' in source ? said.store : said.dir, nowMs);
  return EXIT.OK;
}

/** The store's form of `target`. */
const storeTarget = (target: number | 'all', issuer: string | undefined): SafTarget => (target === 'all' ? { issuer: issuer ?? null } : { id: target });

/** Makes the entry (or all, of --issuer) due now: 0; 1 when locked or not owed; 2 for bad usage. */
export function runSafRetry(idText: string | undefined, flags: SafChangeFlags, io: Io, env: NodeJS.ProcessEnv, nowMs = Date.now()): Promise<ExitCode> {
  return runSafCommand(io, async () => {
    const target = targetOf(idText, flags, 'retry');
    const said = { dir: 'due now: the switch sends them at its next start', store: 'due now: the switch delivering them sends them at once' };
    return change(io, flags, env, target, said, nowMs, (q, e) => q.retry(e.id), (a) => a.retry(storeTarget(target, flags.issuer)));
  });
}

/** Who purged, for the log line: the command, pid and user. */
function purger(): string {
  let user = 'unknown user';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container): the pid still says which run it was
  }
  return `isotrace saf purge (pid ${process.pid}, user ${user})`;
}

/** Drops the entry (or all, of --issuer), listing what went: needs --yes. 0; 1 when locked or not owed; 2 for bad usage. */
export function runSafPurge(idText: string | undefined, flags: SafChangeFlags, io: Io, env: NodeJS.ProcessEnv, nowMs = Date.now()): Promise<ExitCode> {
  return runSafCommand(io, async () => {
    const target = targetOf(idText, flags, 'purge');
    if (flags.yes !== true) throw new UsageError('saf purge drops advices owed to issuers, who will then never get them: add --yes to do it', 'CLI_BAD_USAGE');
    const by = purger();
    const said = { dir: 'purged: their issuers will not get them', store: 'purged: their issuers will not get them' };
    return change(io, flags, env, target, said, nowMs, (q, e) => q.purge(e.id, by), (a) => a.purge(storeTarget(target, flags.issuer), by));
  });
}
