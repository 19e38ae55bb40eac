// `isotrace saf list` and `isotrace saf show ID`: the advices owed, read without the lock (the
// switch may be running) or from the store's queue, as a table, `key: value` lines or JSON; PANs masked.

import { readSafEntries, SafError, type SafEntry } from '../../../saf/index.js';
import { EXIT, type ExitCode, type Io } from '../../io.js';
import { entryView, safHeader, safLine, showLines } from './format.js';
import { parseEntryId, runSafCommand, safSourceFrom, withStoreAdmin, type SafDirFlags, type SafSource } from './options.js';

export interface SafListFlags extends SafDirFlags {
  issuer?: string;
  json?: boolean;
}

/** The entries owed at `source`, oldest first (of `issuer` when given), and where that is, for messages. */
async function owedAt(source: SafSource, issuer?: string): Promise<{ entries: SafEntry[]; where: string }> {
  if ('store' in source) return withStoreAdmin(source.store, async (a) => ({ entries: await a.entries(issuer), where: a.where }));
  const entries = await readSafEntries(source.dir);
  return { entries: entries.filter((e) => issuer === undefined || e.issuer === issuer), where: source.dir };
}

/** Lists the entries owed (of one issuer with --issuer), oldest first: 0, also when there are none. */
export function runSafList(flags: SafListFlags, io: Io, env: NodeJS.ProcessEnv, nowMs = Date.now()): Promise<ExitCode> {
  return runSafCommand(io, async () => {
    const { entries, where } = await owedAt(safSourceFrom(flags, env), flags.issuer);
    const views = entries.map(entryView);
    if (flags.json === true) io.out(JSON.stringify(views));
    else if (views.length === 0) io.out(`saf: nothing owed${flags.issuer === undefined ? '' : ` to ${flags.issuer}`} in ${where}`);
    else io.out([safHeader(), ...views.map((v) => safLine(v, nowMs))].join('\n'));
    return EXIT.OK;
  });
}

/** Finds entry `id` among those owed. @throws SafError SAF_ENTRY_NOT_FOUND. */
export function findEntry(entries: readonly SafEntry[], id: number, where: string): SafEntry {
  const entry = entries.find((e) => e.id === id);
  if (entry === undefined) throw new SafError('SAF_ENTRY_NOT_FOUND', `no entry ${id} is owed in ${where} (never queued, or acknowledged or purged since)`);
  return entry;
}

/** Shows entry `idText` in full (masked): 0; 1 when no such entry is owed. */
export function runSafShow(idText: string, flags: SafListFlags, io: Io, env: NodeJS.ProcessEnv, nowMs = Date.now()): Promise<ExitCode> {
  return runSafCommand(io, async () => {
    const id = parseEntryId(idText);
    const { entries, where } = await owedAt(safSourceFrom(flags, env));
    const view = entryView(findEntry(entries, id, where));
    io.out(flags.json === true ? JSON.stringify(view) : showLines(view, nowMs).join('\n'));
    return EXIT.OK;
  });
}
