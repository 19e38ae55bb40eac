// What the store's tests share: this file's PostgreSQL (started before its tests, stopped after),
// migrated databases with nodes registered, transaction log writers, and one statement run on a
// database of its own connection. Everything made is closed with the test's Resources. Test-only.

import pg from 'pg';
import { Store, TxnLogWriter, txnLogConnectionOf, type TxnLogWriterOptions } from '../../src/store/index.js';
import { LogCollector } from './log-collector.js';
import type { TestPostgres } from './postgres.js';
import type { Resources } from './serve-harness.js';

/** Registers this test file's PostgreSQL server: `server` is there from beforeAll on. */
export { postgresPerFile as postgresForFile } from './postgres-file.js';

/** A new migrated database of `server` with a Store open for each node id in `ids`. */
export async function storeDatabase(server: TestPostgres, resources: Resources, ...ids: string[]): Promise<{ url: string; stores: Store[] }> {
  const url = await server.newDatabase();
  const stores: Store[] = [];
  for (const nodeId of ids) {
    const store = await Store.open({ url, nodeId, version: 'test', logger: new LogCollector(), queryTimeoutMs: 1000 });
    resources.add(() => store.close());
    stores.push(store);
  }
  return { url, stores };
}

/** A strict, unkeyed TxnLogWriter on `store`'s node (options as `extra` says). */
export async function txnLogWriter(store: Store, resources: Resources, extra: Partial<TxnLogWriterOptions> = {}): Promise<TxnLogWriter> {
  const w = await TxnLogWriter.open({ connection: txnLogConnectionOf(store), nodeId: store.nodeId, mode: 'strict', key: null, logger: new LogCollector(), ...extra });
  resources.add(() => w.close().catch(() => {}));
  return w;
}

/** Runs `fn` with a client of its own on `url`. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The rows of one statement, on a connection of its own. */
export async function sqlRows<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  return withClient(url, async (c) => (await c.query<R>(text, params)).rows);
}
