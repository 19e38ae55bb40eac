// The store's foundation against a real PostgreSQL: migrations (once, in order, refusing a newer
// schema, rolled back on failure), the node id claim, typed errors, and recovery after a restart.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/index.js';
import { MIGRATIONS, SCHEMA_VERSION, Store, StoreError, migrate, redactedUrl } from '../../src/store/index.js';
import { LogCollector } from '../helpers/log-collector.js';
import { freeTcpPort, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { withClient } from '../helpers/store-fixtures.js';

let server: TestPostgres;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const open = (url: string, nodeId: string, logger: LogCollector = new LogCollector()): Promise<Store> => Store.open({ url, nodeId, version: 'test', logger });



describe('Store.open', () => {
  it('applies every migration once and records them, even when two nodes start together', async () => {
    const url = await server.newDatabase();
    const [a, b] = await Promise.all([open(url, 'node-a'), open(url, 'node-b')]);
    try {
      expect(a.schemaVersion).toBe(SCHEMA_VERSION);
      expect(b.schemaVersion).toBe(SCHEMA_VERSION);
      const versions = await withClient(url, async (c) => (await c.query<{ version: number }>('SELECT version FROM isotrace.schema_version ORDER BY version')).rows.map((r) => r.version));
      expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
      const nodes = await withClient(url, async (c) => (await c.query<{ node_id: string; pid: number }>('SELECT node_id, pid FROM isotrace.nodes ORDER BY node_id')).rows);
      expect(nodes).toEqual([{ node_id: 'node-a', pid: process.pid }, { node_id: 'node-b', pid: process.pid }]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a database whose schema is newer than this build knows, and changes nothing', async () => {
    const url = await server.newDatabase();
    await (await open(url, 'n1')).close();
    await withClient(url, (c) => c.query("INSERT INTO isotrace.schema_version (version, name) VALUES ($1, 'from the future')", [SCHEMA_VERSION + 1]));
    const err = await open(url, 'n1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('STORE_SCHEMA_NEWER');
    expect((err as StoreError).message).toContain(`version ${SCHEMA_VERSION + 1}`);
  });

  it('rolls a failing migration back whole and keeps the ones before it', async () => {
    const url = await server.newDatabase();
    const logger: LogCollector = new LogCollector();
    const broken = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE isotrace.half (a int); SELECT no_such_function();' }];
    const err = await withClient(url, (c) => migrate(c, logger, broken).catch((e: unknown) => e));
    expect((err as StoreError).code).toBe('STORE_MIGRATION_FAILED');
    expect((err as StoreError).message).toContain(`migration ${SCHEMA_VERSION + 1} (broken)`);
    const state = await withClient(url, async (c) => ({
      version: (await c.query<{ v: number }>('SELECT max(version) AS v FROM isotrace.schema_version')).rows[0].v,
      half: (await c.query("SELECT to_regclass('isotrace.half') AS t")).rows[0].t,
    }));
    expect(state).toEqual({ version: SCHEMA_VERSION, half: null });
  });

  it('applies a version the database lacks below its highest one', async () => {
    const url = await server.newDatabase();
    const logger = new LogCollector();
    const skipped = MIGRATIONS[MIGRATIONS.length - 2];
    const versionsIn = (): Promise<number[]> => withClient(url, async (c) => (await c.query<{ version: number }>('SELECT version FROM isotrace.schema_version ORDER BY version')).rows.map((r) => r.version));
    await withClient(url, (c) => migrate(c, logger, MIGRATIONS.filter((m) => m !== skipped)));
    expect(await versionsIn()).not.toContain(skipped.version);
    await withClient(url, (c) => migrate(c, logger));
    expect(await versionsIn()).toEqual(MIGRATIONS.map((m) => m.version));
    expect(logger.events('store.migrated').map((l) => l.version).slice(-1)).toEqual([skipped.version]);
  });

  it('refuses a second running switch with the same node id, naming the holder', async () => {
    const url = await server.newDatabase();
    const a = await open(url, 'same');
    try {
      const err = await open(url, 'same').catch((e: unknown) => e);
      expect((err as StoreError).code).toBe('STORE_NODE_IN_USE');
      expect((err as StoreError).message).toContain(`pid ${process.pid}`);
    } finally {
      await a.close();
    }
    // Released at close: the id can be taken again.
    await (await open(url, 'same')).close();
  });

  it('says STORE_UNAVAILABLE, without the password, when nothing listens', async () => {
    const port = await freeTcpPort();
    const err = await open(`postgres://u:hunter2@127.0.0.1:${port}/x`, 'n').catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('STORE_UNAVAILABLE');
    expect(String((err as Error).message)).not.toContain('hunter2');
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
  });

  it('rejects a URL that is not postgres:// and a malformed node id with ConfigError', async () => {
    await expect(open('mysql://h/db', 'n')).rejects.toThrow(ConfigError);
    await expect(open(server.url, 'bad id!')).rejects.toThrow(/nodeId/);
    expect(redactedUrl('postgres://u:secret@h:1/d')).toBe('postgres://u:***@h:1/d');
  });
});

describe('Store.query', () => {
  it('prepares a statement once per connection with one generic plan, an index probe even on an empty table', async () => {
    const store = await Store.open({ url: await server.newDatabase(), nodeId: 'q', version: 'test', logger: new LogCollector(), poolSize: 1 });
    try {
      // The shape of the settle statement: planned for a fresh (empty) table, a join like this
      // one would be a sequential scan for the life of the connection.
      const sql = 'SELECT c.key FROM isotrace.duplicate_claims c JOIN unnest($1::text[]) AS k(key) ON c.key = k.key';
      for (let i = 0; i < 7; i++) await store.query('a test', sql, [[`k${i}`]]);
      const { rows } = await store.query<{ name: string; generic_plans: string; custom_plans: string }>(
        'a test', 'SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1', [sql]);
      expect(rows).toHaveLength(1);
      expect([Number(rows[0].generic_plans), Number(rows[0].custom_plans)]).toEqual([7, 0]);
      const plan = await store.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${rows[0].name}(ARRAY['k1'])`);
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index (Only )?Scan using duplicate_claims_pkey/);
      expect(text).not.toMatch(/Seq Scan/);
    } finally {
      await store.close();
    }
  });
});

describe('a store whose server restarts', () => {
  it('answers STORE_UNAVAILABLE while it is down, then works again and holds its node id again', async () => {
    const own = await startPostgres();
    const logs = new LogCollector();
    const store = await open(own.url, 'restarting', logs);
    try {
      expect((await store.query<{ one: number }>('a test', 'SELECT 1 AS one')).rows[0].one).toBe(1);
      await own.stopServer();
      const err = await store.query('a test while down', 'SELECT 1').catch((e: unknown) => e);
      expect((err as StoreError).code).toBe('STORE_UNAVAILABLE');
      expect((err as StoreError).message).toContain('a test while down');
      await own.startServer();
      await expect.poll(async () => (await store.query<{ one: number }>('a test', 'SELECT 1 AS one').catch(() => ({ rows: [{ one: 0 }] }))).rows[0].one, { timeout: 10_000 }).toBe(1);
      await expect.poll(() => store.holdsNodeId, { timeout: 10_000 }).toBe(true);
      expect(logs.events('store.node_claim_lost')).toHaveLength(1);
      const err2 = await open(own.url, 'restarting').catch((e: unknown) => e);
      expect((err2 as StoreError).code).toBe('STORE_NODE_IN_USE');
    } finally {
      await store.close();
      await own.stop();
    }
  }, 60_000);

  it('rolls a transaction back when its function throws, and passes its error on', async () => {
    const url = await server.newDatabase();
    const store = await open(url, 'tx');
    try {
      await store.query('a test', 'CREATE TABLE isotrace.t (a int)');
      const boom = new StoreError('STORE_QUERY_FAILED', 'boom');
      await expect(store.transaction('a test', async (c) => {
        await c.query('INSERT INTO isotrace.t VALUES (1)');
        throw boom;
      })).rejects.toBe(boom);
      await store.transaction('a test', (c) => c.query('INSERT INTO isotrace.t VALUES (2)'));
      expect((await store.query<{ a: number }>('a test', 'SELECT a FROM isotrace.t')).rows).toEqual([{ a: 2 }]);
      const refused = await store.query('a bad statement', 'SELECT * FROM isotrace.nope').catch((e: unknown) => e);
      expect((refused as StoreError).code).toBe('STORE_QUERY_FAILED');
      expect((refused as StoreError).message).toContain('(42P01)');
    } finally {
      await store.close();
    }
  });
});
