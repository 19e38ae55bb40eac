// The admin listener of isotrace serve (issue #16) over real sockets: /metrics after real
// transactions (exact counts, no card data), /healthz, /readyz, 404s, bad methods and garbage.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { admin, adminPort, sampleOf } from '../helpers/metrics-text.js';
import { testCards } from '../helpers/test-cards.js';
import { message, networkFields, purchaseFields } from '../helpers/terminal.js';

const perTest = new Resources();
const perFile = new Resources();
let sw: Served;

beforeAll(async () => {
  sw = await serve(perFile, { adminPort: 0, issuerTimeoutMs: 200 });
});
afterEach(() => perTest.run());
afterAll(() => perFile.run());

const CARDS = testCards();

/** Sends `raw` on a new socket to the admin port and resolves with everything it answers. */
function rawExchange(raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(adminPort(sw), '127.0.0.1', () => s.end(raw));
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

describe('admin listener', () => {
  it('issue #16: counts every test card by MTI class and response code, exactly, with no card data in /metrics', async () => {
    const before = (await admin(sw, '/metrics')).body;
    const t = await sw.terminal();
    for (const card of CARDS) await t.request(message(sw.codec, '0100', purchaseFields(card.pan, card.expiry)));
    await t.request(message(sw.codec, '0800', networkFields('301')));
    const repeat = message(sw.codec, '0100', purchaseFields(CARDS[0].pan, CARDS[0].expiry));
    await t.request(repeat);
    await t.request(repeat);
    const { status, type, body } = await admin(sw, '/metrics');
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const delta = (name: string, labels: Record<string, string> = {}): number => (sampleOf(body, name, labels) ?? 0) - (sampleOf(before, name, labels) ?? 0);
    const byRc = new Map<string, number>();
    for (const c of CARDS) byRc.set(c.rc, (byRc.get(c.rc) ?? 0) + 1);
    byRc.set(CARDS[0].rc, byRc.get(CARDS[0].rc)! + 2);
    for (const [rc, n] of byRc) expect(delta('isotrace_transactions_total', { mti_class: 'authorization', response_code: rc }), `RC ${rc}`).toBe(n);
    expect(delta('isotrace_transactions_total', { mti_class: 'network', response_code: '00' })).toBe(1);
    const total = CARDS.length + 3;
    expect(delta('isotrace_transaction_duration_seconds_count')).toBe(total);
    expect(delta('isotrace_stage_duration_seconds_count', { stage: 'validate' })).toBe(total);
    expect(delta('isotrace_stage_duration_seconds_count', { stage: 'commit' })).toBe(total);
    expect(delta('isotrace_duplicates_answered_total')).toBe(1);
    expect(delta('isotrace_audit_records_total')).toBe(total);
    expect(delta('isotrace_audit_batches_total')).toBeGreaterThanOrEqual(1);
    expect(sampleOf(body, 'isotrace_connections_open')).toBeGreaterThanOrEqual(1);
    expect(sampleOf(body, 'isotrace_audit_writable')).toBe(1);
    expect(sampleOf(body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    for (const card of CARDS) expect(body).not.toContain(card.pan);
    expect(body).not.toMatch(/\d{6}[*X]+\d{4}|stan=|rrn=|terminal\w*=|TERM0001|MERCHANT/i);
  });

  it('issue #16: /healthz says the process is alive and /readyz that the switch is ready, as JSON', async () => {
    expect(await admin(sw, '/healthz')).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: '{"status":"ok"}\n' });
    expect(await admin(sw, '/readyz')).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: '{"status":"ready"}\n' });
    expect((await admin(sw, '/readyz?verbose=1', 'HEAD')).status).toBe(200);
  });

  it.each([
    ['/', 'GET', 404], ['/metrics/', 'GET', 404], ['/favicon.ico', 'GET', 404], ['/METRICS', 'GET', 404],
    ['/metrics', 'POST', 405], ['/readyz', 'DELETE', 405], ['/nope', 'POST', 404],
  ])('issue #16: answers %s %s with a plain %i', async (path, method, status) => {
    const r = await admin(sw, path, method);
    expect(r.status).toBe(status);
    expect(r.type).toBe('text/plain; charset=utf-8');
  });

  it('issue #16: answers garbage with 400 and keeps serving, and the ISO listener never sees it', async () => {
    const framesBefore = sw.running.server.stats.framesIn;
    expect(await rawExchange('\x16\x03\x01\x00\xa5\x01\x00garbage\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await rawExchange('GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await admin(sw, '/healthz')).toMatchObject({ status: 200 });
    expect(sw.running.server.stats.framesIn).toBe(framesBefore);
    expect(adminPort(sw)).not.toBe(sw.port);
  });
});

describe('admin listener start-up', () => {
  it('issue #16: a serve whose admin port is taken exits 2 with one line naming it, and creates no audit file', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    perTest.add(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const { port } = busy.address() as { port: number };
    const dir = mkdtempSync(join(tmpdir(), 'isotrace-admin-'));
    perTest.add(() => rmSync(dir, { recursive: true, force: true }));
    const r = await runCli(['serve', '--port', '0', '--admin-port', String(port), '--audit-dir', join(dir, 'audit'), '--log-level', 'silent']);
    expect(r).toMatchObject({ code: 2, stderr: `isotrace: SERVER_LISTEN_FAILED cannot listen on 127.0.0.1:${port} (admin): EADDRINUSE\n` });
    expect(existsSync(join(dir, 'audit'))).toBe(false);
  });

  it('issue #16: is off unless --admin-port is set: no listener, no admin.listening line', async () => {
    const off = await serve(perTest);
    expect(off.running.admin).toBeNull();
    expect(off.log.events('admin.listening')).toEqual([]);
    expect(sw.log.events('admin.listening')).toMatchObject([{ level: 'info', host: '127.0.0.1', port: adminPort(sw) }]);
  });
});
