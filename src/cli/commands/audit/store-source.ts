// The audit tools' records from the transaction log in PostgreSQL (--store): src/store's queries,
// each record located by its node and seq.

import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import {
  findTxnLogRecords, followTxnLog, lastTxnLogEntries, openTxnLogReader, queryTxnLog, type NodeSeqs, type TxnLogEntry,
} from '../../../store/index.js';
import type { AuditSource, FollowControl, LocatedRecord } from './source.js';

const located = (e: TxnLogEntry): LocatedRecord => ({ record: e.record, where: `node "${e.nodeId}" seq ${e.seq}` });

/** The first and the longest wait between two attempts to reach a store that went away, ms. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/** A source on the store at `url`. @throws ConfigError, StoreError (as openTxnLogReader). */
export async function openStoreSource(url: string): Promise<AuditSource> {
  let client: pg.Client = await openTxnLogReader(url);
  let after: NodeSeqs = new Map();

  /** A new connection once the store answers again; null when `signal` fired first. */
  async function reconnect(control: FollowControl): Promise<pg.Client | null> {
    for (let delayMs = RETRY_FIRST_MS; ; delayMs = Math.min(delayMs * 2, RETRY_MAX_MS)) {
      try {
        await sleep(delayMs, undefined, { signal: control.signal });
      } catch {
        return null;
      }
      try {
        return await openTxnLogReader(url);
      } catch (err) {
        if ((err as { code?: string }).code !== 'STORE_UNAVAILABLE') throw err;
      }
    }
  }

  return {
    list: async (query, limit) => (await queryTxnLog(client, query, limit)).map(located),
    async find(query, limit) {
      const { entries, matched } = await findTxnLogRecords(client, query, limit);
      return { entries: entries.map(located), matched };
    },
    async last(limit) {
      const found = await lastTxnLogEntries(client, limit);
      after = found.after;
      return found.entries.map(located);
    },
    async* follow(control) {
      for (;;) {
        try {
          // followTxnLog moves `after` past each record it yields: a new connection goes on from there.
          for await (const e of followTxnLog(client, after, control)) yield located(e);
          return;
        } catch (err) {
          if ((err as { code?: string }).code !== 'STORE_UNAVAILABLE' || control.signal?.aborted === true) throw err;
          control.onNotice?.(`isotrace: STORE_UNAVAILABLE ${(err as Error).message}; following again when it answers`);
          await client.end().catch(() => {});
          const next = await reconnect(control);
          if (next === null) return;
          client = next;
          control.onNotice?.('isotrace: the store answers again; following');
        }
      }
    },
    close: () => client.end().catch(() => {}),
  };
}
