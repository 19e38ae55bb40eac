// The audit tools' records from the transaction log in PostgreSQL (--store): src/store's queries,
// each record located by its node and seq.

import { findTxnLogRecords, followTxnLog, lastTxnLogEntries, openTxnLogReader, queryTxnLog, type NodeSeqs, type TxnLogEntry } from '../../../store/index.js';
import type { AuditSource, LocatedRecord } from './source.js';

const located = (e: TxnLogEntry): LocatedRecord => ({ record: e.record, where: `node "${e.nodeId}" seq ${e.seq}` });

/** A source on the store at `url`. @throws ConfigError, StoreError (as openTxnLogReader). */
export async function openStoreSource(url: string): Promise<AuditSource> {
  const client = await openTxnLogReader(url);
  let after: NodeSeqs = new Map();
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
      for await (const e of followTxnLog(client, after, control)) yield located(e);
    },
    close: () => client.end().catch(() => {}),
  };
}
