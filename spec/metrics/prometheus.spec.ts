// The admin listener against the real thing (issue #16): Debian's `promtool check metrics` on the
// /metrics output, and a Prometheus server (started here on a free port, its data in a temporary
// directory) scraping the switch. Without promtool or prometheus these tests fail, saying what to
// install: CI installs Debian's prometheus package (.ci/run).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { admin, adminPort, sampleOf } from '../helpers/metrics-text.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { CARDS_PATH, testCards } from '../helpers/test-cards.js';
import { tool } from '../helpers/tools.js';
import { message, purchaseFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-prom-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A free port (bound, then closed) for the Prometheus server. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** serve with an admin listener, a remote issuer whose link is down (so its series exist) and every test card answered once. */
async function busySwitch(): Promise<Served> {
  const dir = tempDir();
  const routes = join(dir, 'routes.json');
  writeFileSync(routes, JSON.stringify({ issuers: { acme: { endpoints: [`tcp://127.0.0.1:${await freePort()}`], spec: 'iso87ascii' } }, routes: [{ bin: '999999', issuer: 'acme' }, { range: ['000000', '999998'], issuer: 'stub' }] }));
  const sw = await serve(resources, { adminPort: 0, routes, cards: CARDS_PATH, safDir: join(dir, 'saf'), issuerTimeoutMs: 200 });
  const t = await sw.terminal();
  for (const card of testCards()) await t.request(message(sw.codec, '0100', purchaseFields(card.pan, card.expiry)));
  return sw;
}

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the instant query `q` on the Prometheus API at `port` until `accept` takes its result (at most `ms`). */
async function queryUntil(port: number, q: string, accept: (result: Array<{ metric: Record<string, string>; value: [number, string] }>) => boolean, ms = 15_000): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const until = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await res.json()) as { status: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      last = body;
      if (body.status === 'success' && accept(body.data!.result)) return body.data!.result;
    } catch (err) {
      last = err; // not listening yet
    }
    if (Date.now() > until) throw new Error(`Prometheus query ${q} not satisfied within ${ms} ms; last answer: ${JSON.stringify(last)}`);
    await tick(200); // an external server's scrape interval: nothing to await but its API
  }
}

describe('/metrics for Prometheus', () => {
  it('issue #16: passes promtool check metrics with no problem reported', async () => {
    const promtool = tool('promtool');
    const sw = await busySwitch();
    const { body } = await admin(sw, '/metrics');
    expect(sampleOf(body, 'isotrace_issuer_link_up', { issuer: 'acme', link: 'acme-1' })).toBe(0);
    const r = spawnSync(promtool, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect({ status: r.status, out: r.stdout.trim(), err: r.stderr.trim() }).toEqual({ status: 0, out: '', err: '' });
  });

  it('issue #16: is scraped by a real Prometheus server: up is 1 and the transactions counter is there', { timeout: 40_000 }, async () => {
    const prometheus = tool('prometheus');
    const sw = await busySwitch();
    const dir = tempDir();
    const port = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, [
      'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s',
      'scrape_configs:', '  - job_name: isotrace', '    static_configs:', `      - targets: ['127.0.0.1:${adminPort(sw)}']`, '',
    ].join('\n'));
    const child = spawn(prometheus, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    resources.add(async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    });
    const up = await queryUntil(port, 'up{job="isotrace"}', (r) => r.length === 1 && r[0].value[1] === '1').catch((err: Error) => {
      throw new Error(`${err.message}\nprometheus stderr:\n${stderr}`);
    });
    expect(up[0].metric).toMatchObject({ job: 'isotrace', instance: `127.0.0.1:${adminPort(sw)}` });
    const approved = await queryUntil(port, 'isotrace_transactions_total{mti_class="authorization",response_code="00"}', (r) => r.length === 1);
    expect(Number(approved[0].value[1])).toBe(testCards().filter((c) => c.rc === '00').length);
    // The first complaint: the scrape reached the admin listener, never the ISO port.
    expect(sw.log.events('frame.error')).toEqual([]);
  });
});
