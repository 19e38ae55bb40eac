// The `terminal` command's state per terminal id, one JSON file in --state-dir: the STAN counter and
// a short history of its authorizations and purchases, for `reverse --stan`. Never the PAN, track
// data or expiry: only what DE 90 and the reversal's amount need, and what the switch answered.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectory } from '../audit/index.js';
import type { IsoMessage } from '../codec/index.js';
import { MAX_STAN, StanCounter } from '../link/index.js';
import { originalOf, type OriginalTransaction } from '../sim/index.js';
import { UsageError } from './io.js';

/** How many authorizations and purchases each terminal remembers, newest last. */
export const HISTORY_LENGTH = 50;

/** One remembered transaction: what a reversal needs, and what it was sent with and answered. */
export interface HistoryEntry extends OriginalTransaction {
  /** DE 12 (hhmmss) and DE 13 (MMDD) as sent; null when the spec has none. */
  localTime: string | null;
  localDate: string | null;
  /** DE 39 of the answer; null until it comes (a timed-out request keeps null). */
  rc: string | null;
}

export interface TerminalState {
  nextStan: number;
  history: HistoryEntry[];
}

const ENTRY_FORMAT: Readonly<Record<string, RegExp>> = Object.freeze({
  mti: /^\d{4}$/, stan: /^\d{6}$/, transmission: /^\d{10}$/, amount: /^\d{12}$/, currency: /^\d{3}$/, acquirer: /^\d{1,11}$/,
});
const OPTIONAL_FORMAT: Readonly<Record<string, RegExp>> = Object.freeze({
  rrn: /^[ -~]{12}$/, localTime: /^\d{6}$/, localDate: /^\d{4}$/, rc: /^[ -~]{2,3}$/, local: /^\d{12}$/,
});

/** `raw` as a history entry, or null when any kept value is missing or malformed (a hand-edited file). */
function entryOf(raw: unknown): HistoryEntry | null {
  if (raw === null || typeof raw !== 'object') return null;
  // A state file of the last-transaction-only format lacks DE 49; the command's default was 840.
  const r: Record<string, unknown> = { currency: '840', ...(raw as Record<string, unknown>) };
  for (const [key, re] of Object.entries(ENTRY_FORMAT)) if (typeof r[key] !== 'string' || !re.test(r[key] as string)) return null;
  const optional = (key: string): string | null => (typeof r[key] === 'string' && OPTIONAL_FORMAT[key].test(r[key] as string) ? (r[key] as string) : null);
  const text = (key: string): string => r[key] as string;
  return {
    mti: text('mti'), stan: text('stan'), transmission: text('transmission'), amount: text('amount'), currency: text('currency'),
    acquirer: text('acquirer'), rrn: optional('rrn'), localTime: optional('localTime'), localDate: optional('localDate'), rc: optional('rc'),
    local: optional('local') ?? undefined,
  };
}

function statePath(dir: string, terminalId: string): string {
  return join(dir, `${terminalId}.json`);
}

/** The state of `terminalId`; a fresh one when the file is missing or unreadable. Bad entries are skipped. */
export function readState(dir: string, terminalId: string): TerminalState {
  let s: { nextStan?: unknown; history?: unknown; last?: unknown };
  try {
    s = JSON.parse(readFileSync(statePath(dir, terminalId), 'utf8')) as typeof s;
  } catch {
    return { nextStan: 1, history: [] };
  }
  const n = s.nextStan;
  const nextStan = typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_STAN ? n : 1;
  const raw = Array.isArray(s.history) ? s.history : s.last !== undefined ? [s.last] : [];
  const history = raw.map(entryOf).filter((e): e is HistoryEntry => e !== null).slice(-HISTORY_LENGTH);
  return { nextStan, history };
}

/**
 * Writes through a temporary file, so a crash never leaves half a state.
 * @throws UsageError CLI_FILE_ACCESS naming --state-dir when the folder or file cannot be written.
 */
export function writeState(dir: string, terminalId: string, state: TerminalState): void {
  const path = statePath(dir, terminalId);
  try {
    makeDirectory(dir); // not mkdirSync({ recursive }): that never returns for a path under /proc
    writeFileSync(`${path}.tmp`, `${JSON.stringify(state)}\n`);
    renameSync(`${path}.tmp`, path);
  } catch (err) {
    throw new UsageError(`--state-dir ${dir}: cannot write the terminal state (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'CLI_FILE_ACCESS');
  }
}

/** Takes the next STAN of the counter (000001..999999, then 000001 again). */
export function takeStan(state: TerminalState): string {
  const counter = new StanCounter(state.nextStan);
  const stan = counter.next();
  state.nextStan = counter.peek;
  return stan;
}

/** Appends `request` (an 0100 or 0200 about to be sent) to the history, dropping the oldest beyond HISTORY_LENGTH. */
export function remember(state: TerminalState, request: IsoMessage): HistoryEntry {
  const sent = (de: number): string | null => (request.has(de) ? String(request.get(de)) : null);
  const entry: HistoryEntry = { ...originalOf(request), localTime: sent(12), localDate: sent(13), rc: null };
  state.history.push(entry);
  if (state.history.length > HISTORY_LENGTH) state.history.splice(0, state.history.length - HISTORY_LENGTH);
  return entry;
}

/** Records the answer to `entry`: its DE 37 and DE 39. */
export function recordAnswer(entry: HistoryEntry, response: IsoMessage): void {
  const answered = (de: number): string | null => (response.has(de) ? String(response.get(de)) : null);
  entry.rrn = answered(37);
  entry.rc = answered(39);
}

/** The newest remembered transaction with `stan`, or the newest of all when `stan` is undefined. */
export function findInHistory(state: TerminalState, stan: string | undefined): HistoryEntry | undefined {
  if (stan === undefined) return state.history.at(-1);
  return state.history.findLast((e) => e.stan === stan);
}
