// The connection of the audit tools that read the transaction log (audit list, show, tail, verify
// with --store): a plain client that neither migrates nor claims a node id, refused when the
// database holds no transaction log.

import pg from 'pg';
import { checkStoreUrl, redactedUrl } from '../store.js';
import { StoreError, storeErrorOf } from '../store-error.js';

/** How long connecting and each statement may take, ms: a person waits at the prompt. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * A client connected to `url`, for reading the transaction log; end() it when done.
 * @throws ConfigError for a bad URL; StoreError STORE_UNAVAILABLE, STORE_NO_TXN_LOG when no
 *   switch with --store has migrated this database (nothing stays open).
 */
export async function openTxnLogReader(url: string): Promise<pg.Client> {
  checkStoreUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'isotrace audit' });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ t: string | null }>("SELECT to_regclass('isotrace.txn_log')::text AS t");
    if (rows[0].t === null) throw new StoreError('STORE_NO_TXN_LOG', `${redactedUrl(url)} holds no transaction log: no switch with --store has run on this database`);
    return client;
  } catch (err) {
    await client.end().catch(() => {});
    throw storeErrorOf(err, `connecting to ${redactedUrl(url)}`);
  }
}
