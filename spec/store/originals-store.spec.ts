// PgOriginals against a real PostgreSQL: an approval remembered on node A is found on node B by
// DE 90, by DE 56's parts and by the reversal's own DE 11 + 41 + 7, the newest first, never once
// past its time; the approvals of one turn go in one statement.

import { describe, expect, it } from 'vitest';
import { PgOriginals, StatePurge, Store, StoreError } from '../../src/store/index.js';
import { LogCollector } from '../helpers/log-collector.js';
import { startPostgres } from '../helpers/postgres.js';
import { postgresPerFile } from '../helpers/postgres-file.js';

const db = postgresPerFile();

async function node(url: string, nodeId: string, keepMs?: number): Promise<{ store: Store; originals: PgOriginals; log: LogCollector }> {
  const log = new LogCollector();
  const store = await Store.open({ url, nodeId, version: 'test', logger: log });
  const originals = new PgOriginals(store, log, keepMs === undefined ? {} : { keepMs });
  db.track(store);
  db.track(originals);
  return { store, originals, log };
}

const IDS = { mti: '0100', stan: '000123', transmission: '1205101530', acquirer: '123456', terminal: 'TERM0001' };
/** DE 90 of IDS: original MTI, STAN, DE 7, acquirer zero-filled to 11, forwarder zero-filled. */
const DE90 = `0100000123120510153000000123456${'0'.repeat(11)}`;

describe('PgOriginals', () => {
  it('finds on node B what node A remembered, by DE 90, by DE 56\'s parts and by DE 11 + 41 + 7', async () => {
    const url = await db.server.newDatabase();
    const a = await node(url, 'a');
    const b = await node(url, 'b');
    await a.originals.remember(IDS, 'stub', 'H17');
    const byDe90 = await b.originals.find({ de90: DE90 });
    expect(byDe90).toMatchObject({ issuer: 'stub', holdId: 'H17', mti: '0100', acquirer: '123456', terminal: 'TERM0001', reversal: null, next: null });
    expect(await b.originals.find({ mti: '0100', stan: '000123', transmission: '1205101530', acquirer: '00000123456' })).toMatchObject({ holdId: 'H17' });
    expect(await b.originals.find({ stan: '000123', terminal: 'TERM0001', transmission: '1205101530' })).toMatchObject({ holdId: 'H17' });
  });

  it.each([
    ['another terminal', { stan: '000123', terminal: 'TERM0002', transmission: '1205101530' }],
    ['another STAN', { stan: '000124', terminal: 'TERM0001', transmission: '1205101530' }],
    ['another MTI in DE 90', { de90: `0200${DE90.slice(4)}` }],
    ['another acquirer in DE 90', { de90: `${DE90.slice(0, 20)}00000654321${DE90.slice(31)}` }],
  ])('finds nothing for %s', async (_what, ref) => {
    const url = await db.server.newDatabase();
    const a = await node(url, 'a');
    await a.originals.remember(IDS, 'stub', 'H1');
    expect(await a.originals.find(ref)).toBeUndefined();
  });

  it('finds the newest of two approvals with the same STAN and time, and the same view twice on one node', async () => {
    const url = await db.server.newDatabase();
    const a = await node(url, 'a');
    await a.originals.remember(IDS, 'stub', 'H1');
    await a.originals.remember(IDS, 'stub', 'H2');
    const first = await a.originals.find({ de90: DE90 });
    expect(first?.holdId).toBe('H2');
    // A second reversal on this node sees the first's (Original.reversal is kept on the view).
    expect(await a.originals.find({ de90: DE90 })).toBe(first);
  });

  it('forgets an approval past its time, and the purge deletes it', async () => {
    const url = await db.server.newDatabase();
    const a = await node(url, 'a', 30);
    await a.originals.remember(IDS, 'stub', 'H1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await a.originals.find({ de90: DE90 })).toBeUndefined();
    const purge = new StatePurge(a.store, a.log, { everyMs: 60_000, staleClaimMs: 60_000, keepMs: 30 });
    await purge.run();
    await purge.close();
    expect((await a.store.query('a test', 'SELECT 1 FROM isotrace.originals')).rowCount).toBe(0);
  });

  it('remembers the approvals of one event-loop turn in one statement', async () => {
    const url = await db.server.newDatabase();
    const a = await node(url, 'a');
    let acquired = 0;
    a.store.pool.on('acquire', () => acquired++);
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.originals.remember({ ...IDS, stan: String(i).padStart(6, '0') }, 'stub', `H${i + 1}`)));
    expect(acquired).toBe(1);
    expect((await a.store.query('a test', 'SELECT 1 FROM isotrace.originals')).rowCount).toBe(50);
  });

  it('rejects a find with STORE_UNAVAILABLE while the database is stopped, remembers once it is back', async () => {
    const own = await startPostgres();
    try {
      const a = await node(own.url, 'a');
      await own.stopServer();
      const err = await a.originals.find({ de90: DE90 }).catch((e: unknown) => e);
      expect((err as StoreError).code).toBe('STORE_UNAVAILABLE');
      await a.originals.remember(IDS, 'stub', 'H5'); // resolves: retried in the background
      expect(a.log.events('store.remember_failed')).toHaveLength(1);
      await own.startServer();
      await expect.poll(() => a.log.events('store.remember_failed_recovered').length, { timeout: 15_000 }).toBe(1);
      expect((await a.originals.find({ de90: DE90 }))?.holdId).toBe('H5');
    } finally {
      await own.stop();
    }
  }, 60_000);
});
