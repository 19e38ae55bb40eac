// `isotrace serve --workers N` as a person runs it (the built CLI as a child process) on a real
// PostgreSQL: both workers answer connections of the one port, each under its node id; a worker
// killed is restarted and its terminals reconnect; SIGTERM drains all; the admin listener is the
// primary's alone, with the workers' metrics summed; the file store refuses more than one worker.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { serveConfig } from '../../src/cli/serve-config.js';
import { builtinCodec } from '../../src/codec/index.js';
import { ROOT, cleanEnv, spawnServe, type JsonLine, type ServeChild } from '../helpers/child-serve.js';
import { runCli } from '../helpers/cli.js';
import { sampleOf } from '../helpers/metrics-text.js';
import { postgresPerFile } from '../helpers/postgres-file.js';
import { Resources, tempAuditDir } from '../helpers/serve-harness.js';
import { certsForThisFile } from '../helpers/test-certs.js';
import { cardFor } from '../helpers/test-cards.js';
import { Terminal, message, purchaseFields } from '../helpers/terminal.js';

const codec = builtinCodec('iso87ascii');
const certs = certsForThisFile();
const resources = new Resources();
afterEach(() => resources.run());
const pgFile = postgresPerFile();

/** `serve --workers 2` on a database of its own, once every worker is ready. */
async function twoWorkers(extra: string[] = []): Promise<{ s: ServeChild; url: string }> {
  const url = await pgFile.server.newDatabase();
  const s = await spawnServe(resources, ['--workers', '2', '--store', url, '--node-id', 'sw', '--audit-dir', tempAuditDir(resources), ...extra]);
  await s.next('workers.ready');
  return { s, url };
}

/** Sends one approved purchase on a connection of its own; resolves with its RC. */
async function purchaseOnNewConnection(port: number): Promise<unknown> {
  const t = await Terminal.connect(port, codec);
  resources.add(() => t.close());
  const card = cardFor('00');
  const res = await t.request(message(codec, '0100', purchaseFields(card.pan, card.expiry, 100)));
  await t.close();
  return res.get(39);
}

/** The worker numbers of the txn.done lines so far, counted. */
function answersByWorker(lines: readonly JsonLine[]): Map<unknown, number> {
  const counts = new Map<unknown, number>();
  for (const l of lines) if (l.evt === 'txn.done') counts.set(l.worker, (counts.get(l.worker) ?? 0) + 1);
  return counts;
}

/** The lines with `evt` so far. */
function linesOf(s: ServeChild, evt: string): JsonLine[] {
  return s.lines.filter((l) => l.evt === evt);
}

/** Resolves with the first line with `evt` whose fields are `fields` and that `also` accepts, logged or still to come. */
function nextMatching(s: ServeChild, evt: string, fields: Record<string, unknown>, also: (l: JsonLine) => boolean = () => true): Promise<JsonLine> {
  const matches = (l: JsonLine): boolean => l.evt === evt && Object.entries(fields).every(([k, v]) => l[k] === v) && also(l);
  return new Promise((resolve) => {
    const poll = (): void => {
      const found = s.lines.find(matches);
      if (found !== undefined) resolve(found);
      else s.child.stdout!.once('data', () => setImmediate(poll));
    };
    poll();
  });
}

describe('serve --workers', () => {
  it('refuses more than one worker without --store: one line, exit 2', async () => {
    const r = await runCli(['serve', '--port', '0', '--workers', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^isotrace: CONFIG_INVALID workers: 2 needs --store: two processes never share the audit files/);
  });

  it('takes ISOTRACE_WORKERS, refuses 0 and a node id too long for its suffix', () => {
    expect(() => serveConfig({}, { ISOTRACE_WORKERS: '3' })).toThrow(/^workers: 3 needs --store/);
    expect(() => serveConfig({ workers: '0' }, {})).toThrow(/^workers \(from --workers\): expected an integer in 1\.\.256/);
    const store = 'postgres://u@127.0.0.1:5432/db';
    expect(serveConfig({ store, nodeId: 'a'.repeat(60) }, { ISOTRACE_WORKERS: '9' }).workers).toBe(9);
    expect(() => serveConfig({ store, nodeId: 'a'.repeat(61), workers: '10' }, {})).toThrow(/^nodeId: expected at most 59 characters with 10 workers: each worker's id ends in -w10/);
  });

  it('answers many connections on one port from both workers, each under its node id; SIGTERM drains all and exits 0', async () => {
    const { s, url } = await twoWorkers();
    const started = linesOf(s, 'worker.started');
    expect(started.map((l) => [l.worker, l.node])).toEqual(expect.arrayContaining([[1, 'sw-w1'], [2, 'sw-w2']]));
    const rcs = await Promise.all(Array.from({ length: 24 }, () => purchaseOnNewConnection(s.port)));
    expect(rcs.every((rc) => rc === '00')).toBe(true);
    await nextMatching(s, 'txn.done', {}); // the journal thread writes its lines a moment after the answers
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const nodes = (await c.query<{ node_id: string; pid: number }>('SELECT node_id, pid FROM isotrace.nodes ORDER BY node_id')).rows;
    await c.end();
    const pidOf = new Map(started.map((l) => [l.worker, l.pid]));
    expect(nodes).toEqual([{ node_id: 'sw-w1', pid: pidOf.get(1) }, { node_id: 'sw-w2', pid: pidOf.get(2) }]);
    s.child.kill('SIGTERM');
    const [code] = await s.exited;
    expect(code).toBe(0);
    const byWorker = answersByWorker(s.lines);
    expect(byWorker.get(1)).toBeGreaterThan(0);
    expect(byWorker.get(2)).toBeGreaterThan(0);
    expect((byWorker.get(1) ?? 0) + (byWorker.get(2) ?? 0)).toBe(24);
    expect(linesOf(s, 'worker.exited').map((l) => l.reason)).toEqual(['drained', 'drained']);
    expect(linesOf(s, 'serve.stopped').map((l) => l.worker ?? 'primary').sort()).toEqual([1, 2, 'primary']);
    expect(s.lines.at(-1)).toMatchObject({ evt: 'serve.stopped', code: 0 });
  });

  it('restarts a worker killed with SIGKILL; its terminals see their connection close and reconnect', async () => {
    const { s } = await twoWorkers();
    const terminals = await Promise.all(Array.from({ length: 8 }, () => Terminal.connect(s.port, codec)));
    for (const t of terminals) resources.add(() => t.close());
    const card = cardFor('00');
    for (const t of terminals) expect((await t.request(message(codec, '0100', purchaseFields(card.pan, card.expiry, 100)))).get(39)).toBe('00');
    const victim = linesOf(s, 'worker.started').find((l) => l.worker === 1)!;
    process.kill(Number(victim.pid), 'SIGKILL');
    expect(await nextMatching(s, 'worker.exited', { worker: 1 })).toMatchObject({ pid: victim.pid, signal: 'SIGKILL', reason: 'killed by SIGKILL' });
    const restarted = await nextMatching(s, 'worker.started', { worker: 1, node: 'sw-w1' }, (l) => l.pid !== victim.pid);
    expect(restarted.pid).not.toBe(victim.pid);
    expect(linesOf(s, 'worker.restarting')).toEqual([expect.objectContaining({ worker: 1, delayMs: 100 })]);
    let reconnected = 0;
    for (const [i, t] of terminals.entries()) {
      let rc: unknown;
      try {
        rc = (await t.request(message(codec, '0100', purchaseFields(card.pan, card.expiry, 100)))).get(39);
      } catch {
        reconnected++; // its worker died: a terminal dials again
        const fresh = await Terminal.connect(s.port, codec);
        resources.add(() => fresh.close());
        terminals[i] = fresh;
        rc = (await fresh.request(message(codec, '0100', purchaseFields(card.pan, card.expiry, 100)))).get(39);
      }
      expect(rc).toBe('00');
    }
    expect(reconnected).toBeGreaterThan(0);
    expect(reconnected).toBeLessThan(terminals.length);
    const rcs = await Promise.all(Array.from({ length: 8 }, () => purchaseOnNewConnection(s.port)));
    expect(rcs.every((rc) => rc === '00')).toBe(true);
    s.child.kill('SIGTERM');
    expect((await s.exited)[0]).toBe(0);
    const done = s.lines.filter((l) => l.evt === 'txn.done' && l.worker === 1);
    expect(done.some((l) => l.workerPid === restarted.pid)).toBe(true);
  });

  it('serves /metrics and /readyz from the primary alone: the workers summed, ready when every worker is', async () => {
    const { s } = await twoWorkers(['--admin-port', '0']);
    const listening = linesOf(s, 'admin.listening');
    expect(listening).toHaveLength(1);
    expect(listening[0]!.worker).toBeUndefined();
    const base = `http://127.0.0.1:${Number(listening[0]!.port)}`;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const rcs = await Promise.all(Array.from({ length: 12 }, () => purchaseOnNewConnection(s.port)));
    expect(rcs.every((rc) => rc === '00')).toBe(true);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(sampleOf(text, 'isotrace_connections_accepted_total')).toBe(12);
    expect(sampleOf(text, 'isotrace_audit_writable')).toBe(1); // the lowest of the workers', not their sum
    let total = 0;
    for (const line of text.split('\n')) if (line.startsWith('isotrace_transactions_total{')) total += Number(line.split(' ').at(-1));
    expect(total).toBe(12);
    s.child.kill('SIGTERM');
    expect((await s.exited)[0]).toBe(0);
  });

  it('sends SIGHUP on to every worker: each reloads its TLS certificate', async () => {
    const dir = tempAuditDir(resources);
    const cert = join(dir, 'switch.pem');
    const key = join(dir, 'switch.key');
    copyFileSync(certs().serverCert, cert);
    copyFileSync(certs().serverKey, key);
    const { s } = await twoWorkers(['--tls-cert', cert, '--tls-key', key]);
    copyFileSync(certs().server2Cert, cert);
    copyFileSync(certs().server2Key, key);
    s.child.kill('SIGHUP');
    const reloaded = await Promise.all([1, 2].map((worker) => nextMatching(s, 'tls.reloaded', { worker })));
    expect(reloaded.map((l) => l.subject)).toEqual(['CN=isotrace-test-server-2', 'CN=isotrace-test-server-2']);
    expect(linesOf(s, 'worker.exited')).toEqual([]);
    s.child.kill('SIGTERM');
    expect((await s.exited)[0]).toBe(0);
  });

  it('exits 2 with one line when the port is taken: worker 1 fails to start, no other is started', async () => {
    const url = await pgFile.server.newDatabase();
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    resources.add(() => new Promise((resolve) => taken.close(resolve)));
    const port = String((taken.address() as { port: number }).port);
    const child = spawn(process.execPath, ['bin/isotrace.js', 'serve', '--port', port, '--workers', '3', '--store', url, '--audit-dir', tempAuditDir(resources)], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    resources.add(() => (child.exitCode === null ? child.kill('SIGKILL') : undefined));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^isotrace: SERVER_LISTEN_FAILED cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`))]);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonLine);
    expect(lines.filter((l) => l.evt === 'worker.exited')).toEqual([expect.objectContaining({ worker: 1, code: 2 })]);
    expect(lines.at(-1)).toMatchObject({ evt: 'workers.failed', code: 2 });
  });

  it('keeps isotrace load going through a worker killed under load: every one of its connections answers again', async () => {
    const { s } = await twoWorkers();
    const load = spawn(process.execPath, ['bin/isotrace.js', 'load', '--port', String(s.port), '--connections', '10', '--rate', '200', '--duration', '60s'], { cwd: ROOT, env: cleanEnv(), stdio: 'ignore' });
    resources.add(() => (load.exitCode === null ? load.kill('SIGKILL') : undefined));
    const victim = linesOf(s, 'worker.started').find((l) => l.worker === 1)!;
    await nextMatching(s, 'txn.done', { worker: 1 });
    process.kill(Number(victim.pid), 'SIGKILL');
    const exited = await nextMatching(s, 'worker.exited', { worker: 1 });
    const after = s.lines.indexOf(exited);
    // Each of the 10 load connections answers again after the kill: the dead worker's (one at least,
    // since it answered) can only have done so by reconnecting.
    const connectionsAfter = (): number => new Set(s.lines.slice(after).filter((l) => l.evt === 'txn.done').map((l) => `${String(l.workerPid)}/${String(l.conn)}`)).size;
    await new Promise<void>((resolve) => {
      const poll = (): void => (connectionsAfter() >= 10 ? resolve() : void s.child.stdout!.once('data', () => setImmediate(poll)));
      poll();
    });
    load.kill('SIGKILL');
    s.child.kill('SIGTERM');
    expect((await s.exited)[0]).toBe(0);
  }, 40_000);

  it('drains each worker when the primary is killed, rather than ending it at once', async () => {
    const { s } = await twoWorkers();
    const t = await Terminal.connect(s.port, codec);
    resources.add(() => t.close());
    const card = cardFor('00');
    expect((await t.request(message(codec, '0100', purchaseFields(card.pan, card.expiry, 100)))).get(39)).toBe('00');
    const workers = linesOf(s, 'worker.started').map((l) => Number(l.pid));
    for (const pid of workers) resources.add(() => (isRunning(pid) ? process.kill(pid, 'SIGKILL') : undefined));
    s.child.kill('SIGKILL');
    const stopped = await Promise.all([1, 2].map((worker) => nextMatching(s, 'serve.stopped', { worker })));
    expect(stopped).toHaveLength(2);
    expect(linesOf(s, 'worker.orphaned').map((l) => l.worker).sort()).toEqual([1, 2]);
    expect(linesOf(s, 'audit.closed').map((l) => l.worker).sort()).toEqual([1, 2]);
  });
});

/** The process `pid` still runs. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

