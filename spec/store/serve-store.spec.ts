// `isotrace serve --store` as a person runs it (the built CLI as a child process) against a real
// PostgreSQL: it migrates and registers its node, answers, and refuses what it cannot use with one
// line: a bad URL (exit 2), a database that is not there (exit 1), a node id in use (exit 2).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import { cleanEnv, spawnServe } from '../helpers/child-serve.js';
import { runCli } from '../helpers/cli.js';
import { freeTcpPort } from '../helpers/postgres.js';
import { postgresPerFile } from '../helpers/postgres-file.js';
import { Resources } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { Terminal, message, purchaseFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());
const pgFile = postgresPerFile();

function auditDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-store-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('serve --store', () => {
  it('opens the store (schema and node), answers, and closes it at SIGTERM; the password is never logged', async () => {
    const url = await pgFile.server.newDatabase();
    const s = await spawnServe(resources, ['--audit-dir', auditDir(), '--node-id', 'switch-a'], cleanEnv({ ISOTRACE_DATABASE_URL: url }));
    const opened = await s.next('store.opened');
    expect(opened).toMatchObject({ node: 'switch-a' });
    expect(String(opened.store)).toContain('***');
    const codec = builtinCodec('iso87ascii');
    const t = await Terminal.connect(s.port, codec);
    resources.add(() => t.close());
    const card = cardFor('00');
    const res = await t.request(message(codec, '0100', purchaseFields(card.pan, card.expiry, 100)));
    expect(res.get(39)).toBe('00');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const nodes = (await c.query<{ node_id: string; pid: number }>('SELECT node_id, pid FROM isotrace.nodes')).rows;
    await c.end();
    expect(nodes).toEqual([{ node_id: 'switch-a', pid: s.child.pid }]);
    s.child.kill('SIGTERM');
    const [code] = await s.exited;
    expect(code).toBe(0);
    expect(s.lines.some((l) => l.evt === 'store.closed')).toBe(true);
    expect(JSON.stringify(s.lines)).not.toContain(new URL(url).password);
  });

  it('refuses a URL that is not PostgreSQL: one line, exit 2', async () => {
    const r = await runCli(['serve', '--port', '0', '--store', 'mysql://h/db']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^isotrace: CONFIG_INVALID .*store/);
  });

  it('exits 1 with STORE_UNAVAILABLE when nothing listens, and writes no audit file', async () => {
    const port = await freeTcpPort();
    const dir = auditDir();
    const r = await runCli(['serve', '--port', '0', '--audit-dir', dir, '--store', `postgres://u:pw@127.0.0.1:${port}/isotrace`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^isotrace: STORE_UNAVAILABLE /);
    expect(r.stderr).not.toContain(':pw@');
  });

  it('refuses a second switch with the same node id: exit 2, naming the holder', async () => {
    const url = await pgFile.server.newDatabase();
    const a = await spawnServe(resources, ['--audit-dir', auditDir(), '--store', url, '--node-id', 'twin']);
    const r = await runCli(['serve', '--port', '0', '--audit-dir', auditDir(), '--store', url, '--node-id', 'twin']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^isotrace: STORE_NODE_IN_USE node id "twin" is in use by pid ${a.child.pid}`));
  });
});
