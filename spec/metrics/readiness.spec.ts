// /readyz both ways (issue #16): a remote issuer with no link up, then up (with its link metrics),
// then down again; and a host whose audit journal is closed or whose listener is drained.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { admin, sampleOf } from '../helpers/metrics-text.js';
import { Resources, issuer, serve, type Served } from '../helpers/serve-harness.js';
import { cardFor, CARDS_PATH } from '../helpers/test-cards.js';
import { message, purchaseFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-ready-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** serve with the approving card's BIN routed to remote issuer `acme` at `port` (one link), and an admin listener. */
async function serveWithAcme(port: number): Promise<Served> {
  const dir = tempDir();
  const routes = join(dir, 'routes.json');
  const bin = cardFor('00').pan.slice(0, 6);
  writeFileSync(routes, JSON.stringify({ issuers: { acme: { endpoints: [`tcp://127.0.0.1:${port}`], spec: 'iso87ascii' } }, routes: [{ bin, issuer: 'acme' }] }));
  return serve(resources, { adminPort: 0, routes, cards: CARDS_PATH, safDir: join(dir, 'saf') });
}

const READY = { status: 200, type: 'application/json; charset=utf-8', body: '{"status":"ready"}\n' };

describe('/readyz', () => {
  it('issue #16: is 503 naming the remote issuer while none of its links is up', async () => {
    const sw = await serveWithAcme(await deadPort());
    expect(await admin(sw, '/readyz')).toEqual({ status: 503, type: 'application/json; charset=utf-8', body: '{"status":"not ready","reasons":["issuer acme: no link up (0 of 1)"]}\n' });
    const text = (await admin(sw, '/metrics')).body;
    expect(sampleOf(text, 'isotrace_issuer_link_up', { issuer: 'acme', link: 'acme-1' })).toBe(0);
    expect(sampleOf(text, 'isotrace_saf_depth', { issuer: 'acme' })).toBe(0);
    expect(sampleOf(text, 'isotrace_saf_oldest_age_seconds', { issuer: 'acme' })).toBe(0);
  });

  it('issue #16: is 200 once the link is up, measures its round trips, and 503 again when it drops', async () => {
    const host = await issuer(resources);
    const sw = await serveWithAcme(host.port);
    await sw.log.next('link.up');
    expect(await admin(sw, '/readyz')).toEqual(READY);
    const card = cardFor('00');
    const t = await sw.terminal();
    expect((await t.request(message(sw.codec, '0100', purchaseFields(card.pan, card.expiry)))).get(39)).toBe('00');
    const text = (await admin(sw, '/metrics')).body;
    const link = { issuer: 'acme', link: 'acme-1' };
    expect(sampleOf(text, 'isotrace_issuer_link_up', link)).toBe(1);
    expect(sampleOf(text, 'isotrace_issuer_link_requests_total', link)).toBe(1);
    expect(sampleOf(text, 'isotrace_issuer_link_round_trip_seconds_count', link)).toBe(1);
    expect(sampleOf(text, 'isotrace_issuer_link_timeouts_total', link)).toBe(0);
    expect(sampleOf(text, 'isotrace_issuer_link_sign_ons_total', link)).toBe(0);
    expect(sampleOf(text, 'isotrace_transactions_total', { mti_class: 'authorization', response_code: '00' })).toBe(1);
    await host.stop();
    await sw.log.next('link.down');
    expect(await admin(sw, '/readyz')).toMatchObject({ status: 503, body: '{"status":"not ready","reasons":["issuer acme: no link up (0 of 1)"]}\n' });
    expect(sampleOf((await admin(sw, '/metrics')).body, 'isotrace_issuer_link_drops_total', link)).toBe(1);
  });

  it('issue #16: is 503 once the terminal listener is drained, and the admin listener closes with the host', async () => {
    const sw = await serve(resources, { adminPort: 0 });
    expect(await admin(sw, '/readyz')).toEqual(READY);
    const port = sw.running.admin!.address!.port;
    await sw.running.server.drain();
    expect(await admin(sw, '/readyz')).toMatchObject({ status: 503, body: '{"status":"not ready","reasons":["terminal listener not listening"]}\n' });
    await sw.stop();
    expect(sw.running.admin!.address).toBeNull();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('issue #16: the issuer host takes --admin-port too, and refuses it equal to its own port', async () => {
    const host = await issuer(resources, { adminPort: 0 });
    expect(await admin(host, '/readyz')).toEqual(READY);
    expect(await admin(host, '/healthz')).toMatchObject({ status: 200, body: '{"status":"ok"}\n' });
    await expect(issuer(resources, { port: 9911, adminPort: 9911 })).rejects.toThrow("adminPort: expected a port other than port (9911): the admin listener never shares the terminals' socket");
  });
});
