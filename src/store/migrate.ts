// Schema migrations, run by every node at start: under one advisory lock (two nodes starting
// together migrate once), each missing version applied in its own transaction with its row in
// isotrace.schema_version. A database whose schema is newer than this build knows is refused.

import type pg from 'pg';
import type { Logger } from '../common/index.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { StoreError, storeErrorOf } from './store-error.js';

/** The advisory lock key of migrations (any constant no other user of the database takes). */
const MIGRATION_LOCK = 0x1507_0001;

const SCHEMA_TABLE = `
  CREATE SCHEMA IF NOT EXISTS isotrace;
  CREATE TABLE IF NOT EXISTS isotrace.schema_version (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
  );`;

/** The latest schema version this build knows. */
export const SCHEMA_VERSION = MIGRATIONS.length === 0 ? 0 : MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Brings the database's schema up to this build's, and returns its version.
 * @throws StoreError STORE_SCHEMA_NEWER (nothing changed), STORE_MIGRATION_FAILED (the failing
 *   version rolled back, earlier ones kept), STORE_UNAVAILABLE.
 */
export async function migrate(client: pg.ClientBase, logger: Logger, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  } catch (err) {
    throw storeErrorOf(err, 'the migration lock');
  }
  try {
    await runQuiet(client, SCHEMA_TABLE, 'creating the schema table');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM isotrace.schema_version').catch((err: unknown) => {
      throw storeErrorOf(err, 'reading the schema version');
    });
    const applied = new Set(rows.map((r) => r.version));
    const current = Math.max(0, ...applied);
    const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
    if (current > known) {
      throw new StoreError('STORE_SCHEMA_NEWER', `the database's schema is version ${current}, this isotrace knows up to ${known}: upgrade isotrace`);
    }
    // Every version the database lacks, in order, not only those above its highest: a database
    // migrated by a build that skipped one (a development branch) gets it too.
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await apply(client, m);
      logger.info({ evt: 'store.migrated', version: m.version, name: m.name }, 'store schema migrated');
    }
    return Math.max(current, known);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
  }
}

async function apply(client: pg.ClientBase, m: Migration): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query(m.sql);
    await client.query('INSERT INTO isotrace.schema_version (version, name) VALUES ($1, $2)', [m.version, m.name]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    const e = storeErrorOf(err, `migration ${m.version} (${m.name})`);
    if (e.code === 'STORE_UNAVAILABLE') throw e;
    throw new StoreError('STORE_MIGRATION_FAILED', `migration ${m.version} (${m.name}) failed and was rolled back: ${e.message}`, { cause: err });
  }
}

/** Runs `sql`; CREATE ... IF NOT EXISTS notices are not errors. */
async function runQuiet(client: pg.ClientBase, sql: string, what: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (err) {
    throw storeErrorOf(err, what);
  }
}
