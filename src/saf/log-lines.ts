// The saf log's lines: one JSON event per line, written by the queue, read back by replay. The
// first line is the header; an `entry` line holds a whole entry (queued, or as it stood when the
// log was compacted), later lines change it. No I/O.

import type { SafState } from './entry.js';

export const LOG_FILE = 'saf.log';
export const LOG_VERSION = 1;

export interface HeaderEvent { ev: 'log'; v: number; nextId: number }
export interface EntryEvent {
  ev: 'entry';
  id: number;
  issuer: string;
  mti: string;
  reason: string;
  traceparent: string | null;
  createdAt: number;
  /** The fields not sealed, in clear. */
  fields: Record<string, string>;
  /** The DEs in `sealed`. */
  sensitive: number[];
  /** sealing.ts's text of the sensitive fields, or null when there are none. */
  sealed: string | null;
  state: SafState;
  attempts: number;
  lastAttemptAt: number | null;
  nextAttemptAt: number;
}
export interface SentEvent { ev: 'sent'; id: number; at: number; next: number }
export interface RetryEvent { ev: 'retry'; id: number; at: number }
export interface AcknowledgedEvent { ev: 'acknowledged'; id: number; at: number }
export interface PurgedEvent { ev: 'purged'; id: number; at: number; by: string }
export type ChangeEvent = SentEvent | RetryEvent | AcknowledgedEvent | PurgedEvent;
export type SafEvent = HeaderEvent | EntryEvent | ChangeEvent;

/** The line of `event`, newline included. */
export function lineOf(event: SafEvent): string {
  return `${JSON.stringify(event)}\n`;
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStringMap = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/** Why `e` is not a well-formed entry line, or null. */
function entryProblem(e: Partial<EntryEvent>): string | null {
  if (typeof e.issuer !== 'string' || typeof e.mti !== 'string' || typeof e.reason !== 'string') return 'issuer, mti or reason missing';
  if (e.traceparent !== null && typeof e.traceparent !== 'string') return 'traceparent not text';
  if (!isInt(e.createdAt) || !isInt(e.attempts) || !isInt(e.nextAttemptAt) || (e.lastAttemptAt !== null && !isInt(e.lastAttemptAt))) return 'a time or count is not an integer';
  if (!isStringMap(e.fields) || !Array.isArray(e.sensitive) || !e.sensitive.every(isInt)) return 'fields or sensitive malformed';
  if (e.sealed !== null && typeof e.sealed !== 'string') return 'sealed not text';
  if (e.state !== 'queued' && e.state !== 'sent') return `state "${String(e.state).slice(0, 12)}" is not queued or sent`;
  return null;
}

/** The event on `text`, or why it is none. */
export function parseEvent(text: string): SafEvent | { problem: string } {
  let e: Partial<SafEvent> & Record<string, unknown>;
  try {
    e = JSON.parse(text) as typeof e;
  } catch {
    return { problem: 'not JSON' };
  }
  if (typeof e !== 'object' || e === null) return { problem: 'not an object' };
  if (e.ev === 'log') return isInt(e.v) && isInt(e.nextId) ? (e as HeaderEvent) : { problem: 'header without v or nextId' };
  if (!isInt(e.id)) return { problem: 'no entry id' };
  switch (e.ev) {
    case 'entry': {
      const problem = entryProblem(e as Partial<EntryEvent>);
      return problem === null ? (e as EntryEvent) : { problem };
    }
    case 'sent':
      return isInt(e.at) && isInt(e.next) ? (e as SentEvent) : { problem: 'sent without at or next' };
    case 'retry':
    case 'acknowledged':
      return isInt(e.at) ? (e as RetryEvent | AcknowledgedEvent) : { problem: `${e.ev} without at` };
    case 'purged':
      return isInt(e.at) && typeof e.by === 'string' ? (e as PurgedEvent) : { problem: 'purged without at or by' };
    default:
      return { problem: `unknown event "${String(e.ev).slice(0, 16)}"` };
  }
}

