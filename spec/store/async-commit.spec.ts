// The shared state's writes commit asynchronously, and only they: the ASYNC_COMMIT CTE turns
// synchronous_commit off for its own statement's transaction and leaves the session as it was.

import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { ASYNC_COMMIT } from '../../src/store/async-commit.js';
import { LogCollector } from '../helpers/log-collector.js';
import { postgresPerFile } from '../helpers/postgres-file.js';

const db = postgresPerFile();

describe('ASYNC_COMMIT', () => {
  it('turns synchronous_commit off inside the statement\'s transaction only', async () => {
    const store = db.track(await Store.open({ url: db.server.url, nodeId: 'a', version: 'test', logger: new LogCollector() }));
    const seen = await store.transaction('a test', async (c) => {
      const before = (await c.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0].synchronous_commit;
      await c.query(`WITH ${ASYNC_COMMIT} SELECT is_set FROM async_commit`);
      const inside = (await c.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0].synchronous_commit;
      return [before, inside];
    });
    expect(seen).toEqual(['on', 'off']);
    const client = await store.pool.connect();
    try {
      await client.query(`WITH ${ASYNC_COMMIT} SELECT is_set FROM async_commit`);
      expect((await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
    } finally {
      client.release();
    }
  });
});
