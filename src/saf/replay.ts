// Replay: the saf log's bytes back into a SafTable. Finds a torn tail (a last line without its
// newline, or a last line that is not an event: a crash mid-write) for the owner to cut, and
// refuses anything else that is not an event. Opens sealed fields with the key. No I/O.

import type { HeldEntry } from './entry.js';
import { SafError } from './errors.js';
import { parseEvent, type EntryEvent } from './log-lines.js';
import { SafTable } from './saf-table.js';
import { unsealFields } from './sealing.js';

const NEWLINE = 0x0a;

export interface Replayed {
  readonly table: SafTable;
  /** Bytes up to the end of the last event line: what the owner keeps. */
  readonly keepBytes: number;
  /** Bytes after it: a torn tail (0 when none). */
  readonly tornBytes: number;
  /** Event lines after the header. */
  readonly events: number;
}

function entryOf(e: EntryEvent, key: Buffer | null, where: string): HeldEntry {
  let fields: Record<number, string> = e.fields;
  if (e.sealed !== null) {
    if (key === null) throw new SafError('SAF_KEY_MISSING', `${where}: entry ${e.id} has sealed fields but the directory has no saf.key`);
    fields = { ...e.fields, ...unsealFields(key, e.id, e.issuer, e.sealed) };
  }
  return {
    id: e.id, issuer: e.issuer, traceparent: e.traceparent, mti: e.mti, fields: Object.freeze(fields), sensitive: Object.freeze(e.sensitive), reason: e.reason,
    createdAt: e.createdAt, state: e.state, attempts: e.attempts, lastAttemptAt: e.lastAttemptAt, nextAttemptAt: e.nextAttemptAt,
  };
}

/**
 * The state `data` (the whole log) describes; `path` names it in errors.
 * @throws SafError SAF_BAD_LOG naming the line and byte of a line that is not an event (other than
 *   the torn last one) or of an entry queued twice; SAF_KEY_MISSING, SAF_KEY_INVALID for sealed fields.
 */
export function replayLog(data: Buffer, key: Buffer | null, path: string): Replayed {
  const table = new SafTable();
  let start = 0;
  let lineNo = 0;
  let keep = 0;
  let events = 0;
  let lastEntryId = 0;
  for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
    lineNo++;
    const where = `${path} line ${lineNo} (byte ${start})`;
    const event = parseEvent(data.toString('utf8', start, nl));
    if ('problem' in event) {
      // Only the very last line may be broken: a crash cut it. Anything earlier is damage.
      if (nl === data.length - 1) break;
      throw new SafError('SAF_BAD_LOG', `${where} is not a saf event (${event.problem})`);
    }
    if (event.ev === 'log') {
      if (lineNo !== 1) throw new SafError('SAF_BAD_LOG', `${where}: a header after the first line`);
      table.nextId = Math.max(table.nextId, event.nextId);
    } else {
      if (lineNo === 1) throw new SafError('SAF_BAD_LOG', `${where}: the log does not start with its header`);
      events++;
      if (event.ev === 'entry') {
        // Entries are written in id order (a compaction too): a lower or equal id is a copy.
        if (event.id <= lastEntryId) throw new SafError('SAF_BAD_LOG', `${where}: entry ${event.id} is queued twice or out of order`);
        lastEntryId = event.id;
        table.add({ entry: entryOf(event, key, where), sealed: event.sealed });
      } else {
        table.apply(event);
      }
    }
    keep = nl + 1;
    start = nl + 1;
  }
  return { table, keepBytes: keep, tornBytes: data.length - keep, events };
}
