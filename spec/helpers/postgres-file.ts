// One real PostgreSQL per test file, started in beforeAll and stopped in afterAll, with what the
// file opened on it (stores, the store's parts) closed first, newest first. Test-only.

import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from './postgres.js';

export interface PostgresFile {
  /** The file's server (once beforeAll has run). */
  readonly server: TestPostgres;
  /** Closes `x` before the server stops; returns it. */
  track<T extends { close(): Promise<void> }>(x: T): T;
}

/** Registers the hooks; call at the top of a test file. */
export function postgresPerFile(): PostgresFile {
  let server: TestPostgres | null = null;
  const opened: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close();
    await server?.stop();
  });
  return {
    get server(): TestPostgres {
      if (server === null) throw new Error('the PostgreSQL of this file is not started yet (use it inside a test)');
      return server;
    },
    track(x) {
      opened.push(x);
      return x;
    },
  };
}
