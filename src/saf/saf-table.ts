// SafTable: the entries owed, by id and per issuer in id order, as the log's events leave them.
// Both the queue (its live state) and the readers (saf list, show) build one; its snapshot is the
// text of a compacted log. No I/O.

import type { HeldEntry } from './entry.js';
import { LOG_VERSION, lineOf, type ChangeEvent, type EntryEvent } from './log-lines.js';

/** One owed entry and its sealed text as on disk (a compaction writes it again as is). */
export interface Slot {
  readonly entry: HeldEntry;
  readonly sealed: string | null;
}

export class SafTable {
  /** The id the next entry gets. */
  nextId = 1;
  readonly #byId = new Map<number, Slot>();
  readonly #byIssuer = new Map<string, HeldEntry[]>();

  /** Entries owed. */
  get size(): number {
    return this.#byId.size;
  }

  get(id: number): Slot | undefined {
    return this.#byId.get(id);
  }

  /** Adds `slot`, keeping each issuer's entries in id order. The caller checks that its id is new. */
  add(slot: Slot): void {
    const { entry } = slot;
    this.#byId.set(entry.id, slot);
    if (entry.id >= this.nextId) this.nextId = entry.id + 1;
    let list = this.#byIssuer.get(entry.issuer);
    if (list === undefined) this.#byIssuer.set(entry.issuer, (list = []));
    let at = list.length;
    while (at > 0 && list[at - 1].id > entry.id) at--;
    list.splice(at, 0, entry);
  }

  /** The oldest entry `issuer` is owed, or null. */
  head(issuer: string): HeldEntry | null {
    return this.#byIssuer.get(issuer)?.[0] ?? null;
  }

  /** How many entries `issuer` is owed. */
  countOf(issuer: string): number {
    return this.#byIssuer.get(issuer)?.length ?? 0;
  }

  /** Every owed entry, in id order; of one issuer when `issuer` is given. */
  entries(issuer?: string): HeldEntry[] {
    if (issuer !== undefined) return [...(this.#byIssuer.get(issuer) ?? [])];
    return [...this.#byId.values()].map((s) => s.entry).sort((a, b) => a.id - b.id);
  }

  /** Issuers owed at least one entry. */
  issuers(): string[] {
    return [...this.#byIssuer.keys()];
  }

  /**
   * Applies a change to its entry; returns the entry, or null when no entry with that id is owed
   * (one acknowledged before a compaction: its later events are harmless). An acknowledged or
   * purged entry leaves the table.
   */
  apply(change: ChangeEvent): HeldEntry | null {
    const slot = this.#byId.get(change.id);
    if (slot === undefined) return null;
    const { entry } = slot;
    switch (change.ev) {
      case 'sent':
        entry.state = 'sent';
        entry.attempts++;
        entry.lastAttemptAt = change.at;
        entry.nextAttemptAt = change.next;
        break;
      case 'retry':
        entry.nextAttemptAt = change.at;
        break;
      case 'acknowledged':
      case 'purged':
        entry.state = change.ev;
        this.#remove(entry);
        break;
    }
    return entry;
  }

  /** Takes entry `id` out without an event (its queuing failed to reach the disk). */
  drop(id: number): void {
    const slot = this.#byId.get(id);
    if (slot !== undefined) this.#remove(slot.entry);
  }

  #remove(entry: HeldEntry): void {
    this.#byId.delete(entry.id);
    const list = this.#byIssuer.get(entry.issuer)!;
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) this.#byIssuer.delete(entry.issuer);
  }
}

/** The entry line of `slot` as it stands now: what a compaction writes. */
export function entryEventOf(slot: Slot): EntryEvent {
  const e = slot.entry;
  const sealed = new Set(e.sensitive);
  const fields: Record<string, string> = {};
  for (const [de, value] of Object.entries(e.fields)) if (!sealed.has(Number(de))) fields[de] = value;
  return {
    ev: 'entry', id: e.id, issuer: e.issuer, mti: e.mti, reason: e.reason, traceparent: e.traceparent, createdAt: e.createdAt,
    fields, sensitive: [...e.sensitive], sealed: slot.sealed, state: e.state, attempts: e.attempts, lastAttemptAt: e.lastAttemptAt, nextAttemptAt: e.nextAttemptAt,
  };
}

/** The compacted log's text for `table` as it stands: header, then each owed entry in id order. */
export function snapshotText(table: SafTable): string {
  let text = lineOf({ ev: 'log', v: LOG_VERSION, nextId: table.nextId });
  for (const entry of table.entries()) text += lineOf(entryEventOf(table.get(entry.id)!));
  return text;
}
