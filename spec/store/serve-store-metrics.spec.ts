// serve --store with an admin listener: the store's metric families (statements by outcome, the
// pool's connections, isotrace_store_up) pass promtool, and /readyz says when the database is away
// and is ready again once it is back.

import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { admin, sampleOf } from '../helpers/metrics-text.js';
import { postgresPerFile } from '../helpers/postgres-file.js';
import { Resources, serve } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields } from '../helpers/terminal.js';
import { tool } from '../helpers/tools.js';

const resources = new Resources();
afterEach(() => resources.run());
const db = postgresPerFile();

const card = cardFor('00');

describe('serve --store: metrics and readiness', () => {
  it('counts the store\'s statements, passes promtool, and is not ready while the database is away', async () => {
    const sw = await serve(resources, { adminPort: 0, store: await db.server.newDatabase(), nodeId: 'metrics-a' });
    const t = await sw.terminal();
    const purchase = () => message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, 100));
    expect((await t.request(purchase())).get(39)).toBe('00');

    const up = (await admin(sw, '/metrics')).body;
    // A claim, the stub's batch, the answer kept, the original remembered: four statements at least.
    expect(sampleOf(up, 'isotrace_store_statements_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(4);
    expect(sampleOf(up, 'isotrace_store_statements_total', { outcome: 'unavailable' })).toBe(0);
    expect(sampleOf(up, 'isotrace_store_up')).toBe(1);
    expect(sampleOf(up, 'isotrace_store_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1);
    expect(sampleOf(up, 'isotrace_store_waiting_requests')).toBe(0);
    const check = spawnSync(tool('promtool'), ['check', 'metrics'], { input: up, encoding: 'utf8' });
    expect({ status: check.status, out: check.stdout.trim(), err: check.stderr.trim() }).toEqual({ status: 0, out: '', err: '' });
    expect((await admin(sw, '/readyz')).status).toBe(200);

    await db.server.stopServer();
    try {
      expect((await t.request(purchase())).get(39)).toBe('96');
      const down = await admin(sw, '/readyz');
      expect(down.status).toBe(503);
      expect((JSON.parse(down.body) as { reasons: string[] }).reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^store: /)]));
      const metrics = (await admin(sw, '/metrics')).body;
      expect(sampleOf(metrics, 'isotrace_store_up')).toBe(0);
      expect(sampleOf(metrics, 'isotrace_store_statements_total', { outcome: 'unavailable' })).toBeGreaterThanOrEqual(1);
    } finally {
      await db.server.startServer();
    }
    await expect.poll(async () => (await t.request(purchase())).get(39), { timeout: 15_000, interval: 200 }).toBe('00');
    await expect.poll(async () => (await admin(sw, '/readyz')).status, { timeout: 15_000, interval: 200 }).toBe(200);
    expect(sampleOf((await admin(sw, '/metrics')).body, 'isotrace_store_up')).toBe(1);
  }, 60_000);
});
