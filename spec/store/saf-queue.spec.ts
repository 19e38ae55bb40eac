// The store's saf queue against a real PostgreSQL: enqueue (group commit: one turn, one
// transaction), delivery in order with 0420 then 0421, acknowledgement exactly once, card data
// sealed as the file queue seals it, the delivery lease between two nodes, the key shared by all
// nodes, and a database stopped and started again.

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SafError, unsealFields } from '../../src/saf/index.js';
import { ConfigError } from '../../src/common/index.js';
import { StoreError, StoreSafQueue } from '../../src/store/index.js';
import { CardSecrets } from '../helpers/leak-check.js';
import { postgresPerFile } from '../helpers/postgres-file.js';
import { startPostgres } from '../helpers/postgres.js';
import { advice, PAN } from '../saf/helpers/saf-fixtures.js';
import { KEY, openNode, withClient } from './helpers/saf-store.js';

const pgFile = postgresPerFile();

describe('StoreSafQueue', () => {
  it('issue #17: commits the enqueues of one event-loop turn in one transaction, and resolves each with its id', async () => {
    const url = await pgFile.server.newDatabase();
    const { queue } = await openNode(url, 'a');
    const ids = await Promise.all([1, 2, 3, 4, 5].map((i) => queue.enqueue(advice(i))));
    const later = await queue.enqueue(advice(6));
    const rows = await withClient(url, async (c) => (await c.query<{ id: string; xmin: string }>('SELECT id, xmin FROM isotrace.saf_entries ORDER BY id')).rows);
    expect(rows.map((r) => Number(r.id))).toEqual([...ids, later]);
    expect(new Set(rows.slice(0, 5).map((r) => r.xmin)).size).toBe(1);
    expect(rows[5].xmin).not.toBe(rows[0].xmin);
  });

  it('issue #17: keeps no card data in any column: DE 2 sealed as the file queue seals it, the PAN masked beside it', async () => {
    const url = await pgFile.server.newDatabase();
    const { queue } = await openNode(url, 'a');
    const id = await queue.enqueue(advice(1, 'acme', { fields: { ...advice(1).fields, 48: 'PRIVATE' }, sensitive: [48] }));
    const [row] = await withClient(url, async (c) => (await c.query<{ text: string; sealed: string; pan_masked: string }>('SELECT row_to_json(e)::text AS text, sealed, pan_masked FROM isotrace.saf_entries e')).rows);
    const secrets = new CardSecrets();
    secrets.pans.add(PAN);
    expect(secrets.leaksIn(row.text)).toEqual([]);
    expect(row.text).not.toContain('PRIVATE');
    expect(row.pan_masked).toBe(`${PAN.slice(0, 6)}${'*'.repeat(PAN.length - 10)}${PAN.slice(-4)}`);
    expect(unsealFields(KEY, id, 'acme', row.sealed)).toEqual({ 2: PAN, 48: 'PRIVATE' });
  });

  it('issue #17: refuses track, PIN block and ICC data before anything is written', async () => {
    const url = await pgFile.server.newDatabase();
    const { queue } = await openNode(url, 'a');
    const err = await queue.enqueue(advice(1, 'acme', { fields: { ...advice(1).fields, 35: '4761739001010010=2512' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafError);
    expect((err as SafError).code).toBe('SAF_FORBIDDEN_FIELD');
    expect((err as SafError).message).toContain('field 35');
    expect(await withClient(url, async (c) => (await c.query('SELECT 1 FROM isotrace.saf_entries')).rowCount)).toBe(0);
  });

  it('issue #17: hands out the oldest entry per issuer, 0420 first and 0421 after a send, and acknowledges it exactly once', async () => {
    const url = await pgFile.server.newDatabase();
    const { queue } = await openNode(url, 'a', { retryInitialMs: 1 });
    const first = await queue.enqueue(advice(1));
    const second = await queue.enqueue(advice(2));
    await queue.enqueue(advice(3, 'zenith'));
    const d1 = await queue.next('acme');
    expect(d1).toMatchObject({ mti: '0420', isRepeat: false, entry: { id: first, state: 'queued', attempts: 0 } });
    expect(d1!.entry.fields[2]).toBe(PAN);
    const sent = await queue.markSent(first, 500);
    expect(sent).toMatchObject({ mti: '0420', entry: { state: 'sent', attempts: 1 } });
    // No repeat before the send may still be answered (its in-flight time), though the backoff is 1 ms.
    expect(sent.entry.nextAttemptAt - sent.entry.lastAttemptAt!).toBe(500);
    const d2 = await queue.next('acme');
    expect(d2).toMatchObject({ mti: '0421', isRepeat: true, entry: { id: first } });
    expect((await queue.markSent(first)).mti).toBe('0421');
    expect(await queue.acknowledge(first)).toMatchObject({ id: first, state: 'acknowledged', attempts: 2 });
    const again = await queue.acknowledge(first).catch((e: unknown) => e);
    expect((again as SafError).code).toBe('SAF_ENTRY_NOT_FOUND');
    expect((await queue.next('acme'))!.entry.id).toBe(second);
    expect((await queue.next('zenith'))!.entry.issuer).toBe('zenith');
  });

  it('issue #17: one node at a time holds an issuer\'s delivery lease; released, or its session lost, another node takes over', async () => {
    const url = await pgFile.server.newDatabase();
    const a = await openNode(url, 'node-a');
    const b = await openNode(url, 'node-b');
    const id = await a.queue.enqueue(advice(1));
    expect((await a.queue.next('acme'))!.entry.id).toBe(id);
    expect(await b.queue.next('acme')).toBeNull();
    await a.queue.markSent(id);
    await a.queue.release('acme');
    const taken = await b.queue.next('acme');
    expect(taken).toMatchObject({ mti: '0421', entry: { id, attempts: 1 } });
    // B's session ends as a dead node's would: A takes over, and B, which lost it, cannot mark a send.
    await withClient(url, (c) => c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_try_advisory_lock%' AND application_name = 'isotrace node-b'"));
    await expect.poll(() => a.queue.next('acme').then((d) => d?.entry.id ?? null), { timeout: 10_000 }).toBe(id);
    const lost = await b.queue.markSent(id).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(StoreError);
    expect((lost as StoreError).code).toBe('STORE_UNAVAILABLE');
    expect(b.log.lines.some((l) => l.evt === 'saf.lease_lost')).toBe(true);
  });

  it('issue #17: refuses a node whose key is not the one the queue is sealed with', async () => {
    const url = await pgFile.server.newDatabase();
    const a = await openNode(url, 'node-a');
    const err = await StoreSafQueue.open({ store: a.store, key: randomBytes(32) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafError);
    expect((err as SafError).code).toBe('SAF_KEY_INVALID');
    expect((err as SafError).message).toContain('node-a');
    const short = await StoreSafQueue.open({ store: a.store, key: randomBytes(16) }).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(ConfigError);
    expect((short as ConfigError).message).toContain('saf.key');
  });

  it('issue #17: keeps depth and the oldest entry\'s time per issuer for metrics, read at each poll', async () => {
    const url = await pgFile.server.newDatabase();
    const { queue } = await openNode(url, 'a', { pollMs: 50 });
    await queue.enqueue(advice(1, 'acme', { createdAt: 1_700_000_000_123 }));
    await queue.enqueue(advice(2));
    await expect.poll(() => queue.depth('acme').count).toBe(2);
    expect(queue.depth('acme').oldestCreatedAt).toBe(1_700_000_000_123);
    expect(queue.issuers()).toEqual(['acme']);
    expect(queue.depth('zenith')).toEqual({ count: 0, oldestCreatedAt: null });
  });

  it('issue #17: with the database stopped an enqueue fails with STORE_UNAVAILABLE; started again, the queue works without a restart', async () => {
    const pg = await startPostgres();
    try {
      const { queue, log } = await openNode(pg.url, 'a');
      await queue.enqueue(advice(1));
      await pg.stopServer();
      const err = await queue.enqueue(advice(2)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('STORE_UNAVAILABLE');
      expect(log.lines.some((l) => l.evt === 'saf.write_failed')).toBe(true);
      await pg.startServer();
      const id = await queue.enqueue(advice(3));
      expect((await queue.next('acme'))!.entry.id).toBeLessThan(id);
      const ids = await withClient(pg.url, async (c) => (await c.query<{ stan: string }>("SELECT fields->>'11' AS stan FROM isotrace.saf_entries ORDER BY id")).rows.map((r) => r.stan));
      expect(ids).toEqual(['000001', '000003']);
    } finally {
      await pg.stop();
    }
  }, 60_000);
});
