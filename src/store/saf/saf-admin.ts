// StoreSafAdmin: what `isotrace saf list | show | retry | purge --store` do to the store's queue,
// on one connection of their own (no node id, no migration): entries read masked (the commands
// hold no key), retry and purge as single UPDATEs whose row locks make them safe while switches
// deliver; the delivering nodes are notified (one notification per issuer: PostgreSQL folds repeats).

import pg from 'pg';
import { SafError, type SafEntry } from '../../saf/index.js';
import { StoreError, storeErrorOf } from '../store-error.js';
import { checkStoreUrl, redactedUrl } from '../store.js';
import { entryOfRow, SAF_CHANNEL, SAF_COLUMNS, type SafRow } from './saf-rows.js';

/** Entry `id`, or every owed entry (of one issuer when given). */
export type SafTarget = { readonly id: number } | { readonly issuer: string | null };

const WHERE_TARGET = `state = 'owed' AND ($1::bigint IS NULL OR id = $1) AND ($2::text IS NULL OR issuer = $2)`;

export class StoreSafAdmin {
  /** The store's URL without its password: for messages. */
  readonly where: string;
  readonly #client: pg.Client;

  private constructor(client: pg.Client, where: string) {
    this.#client = client;
    this.where = where;
  }

  /**
   * Connects to the store at `url`.
   * @throws ConfigError for a URL that is not PostgreSQL's; StoreError STORE_UNAVAILABLE, and
   *   STORE_QUERY_FAILED when the store has no queue yet (no switch of this version has run on it).
   */
  static async connect(url: string, connectTimeoutMs = 2000): Promise<StoreSafAdmin> {
    checkStoreUrl(url);
    const where = `the store ${redactedUrl(url)}`;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, application_name: 'isotrace saf' });
    client.on('error', () => {}); // a lost connection fails the statement in flight, which says so
    try {
      await client.connect();
      const { rows } = await client.query<{ t: string | null }>("SELECT to_regclass('isotrace.saf_entries') AS t");
      if (rows[0].t === null) throw new StoreError('STORE_QUERY_FAILED', `${where} has no saf queue yet: a switch of this version creates it at its start`);
    } catch (err) {
      await client.end().catch(() => {});
      throw storeErrorOf(err, `connecting to ${where}`);
    }
    return new StoreSafAdmin(client, where);
  }

  /** The entries owed, oldest first (of `issuer` when given), masked: DE 2 first 6 / last 4, other sealed DEs `***`. */
  async entries(issuer?: string): Promise<SafEntry[]> {
    const rows = await this.#rows('reading the saf queue', `SELECT ${SAF_COLUMNS} FROM isotrace.saf_entries WHERE ${WHERE_TARGET} ORDER BY id`, [null, issuer ?? null]);
    return rows.map((r) => entryOfRow(r, null));
  }

  /** Makes the target's entries due now; the nodes delivering them are told. @throws SafError SAF_ENTRY_NOT_FOUND for an id not owed. */
  retry(target: SafTarget): Promise<SafEntry[]> {
    return this.#change(target, 'retrying saf entries', 'next_attempt_at = now()', []);
  }

  /** Drops the target's entries unsent, recording `by`. @throws SafError SAF_ENTRY_NOT_FOUND for an id not owed. */
  purge(target: SafTarget, by: string): Promise<SafEntry[]> {
    return this.#change(target, 'purging saf entries', "state = 'purged', purged_at = now(), purged_by = $3", [by]);
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => {});
  }

  async #change(target: SafTarget, what: string, set: string, params: unknown[]): Promise<SafEntry[]> {
    const id = 'id' in target ? target.id : null;
    const issuer = 'issuer' in target ? target.issuer : null;
    const rows = await this.#rows(what, `
      WITH changed AS (UPDATE isotrace.saf_entries SET ${set} WHERE ${WHERE_TARGET} RETURNING ${SAF_COLUMNS})
      SELECT changed.*, pg_notify('${SAF_CHANNEL}', issuer) FROM changed ORDER BY id`, [id, issuer, ...params]);
    if (id !== null && rows.length === 0) throw new SafError('SAF_ENTRY_NOT_FOUND', `no entry ${id} is owed in ${this.where} (never queued, or acknowledged or purged since)`);
    return rows.map((r) => entryOfRow(r, null));
  }

  async #rows(what: string, sql: string, params: unknown[]): Promise<SafRow[]> {
    try {
      return (await this.#client.query<SafRow>(sql, params)).rows;
    } catch (err) {
      throw storeErrorOf(err, what);
    }
  }
}
