// `serve --store` keeps its audit trail in the transaction log (the built CLI as a child process,
// a real PostgreSQL): no audit directory, a row per transaction that `audit show|list|tail|verify
// --store` read; SIGKILL under load loses no record of an answer a terminal got; a database that
// stops (under load too) makes strict mode answer 96, and the switch answers 00 again once it is
// back, without crashing.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isCompactRecord, type StoredFullAuditRecord } from '../../src/audit/index.js';
import { findTxnLogRecords, openTxnLogReader, verifyTxnLog } from '../../src/store/index.js';
import { cleanEnv, spawnServe } from '../helpers/child-serve.js';
import { runCli } from '../helpers/cli.js';
import { connect, expectOneRecordEach, loadTerminal, purchase, WINDOW, type Received } from '../helpers/crash-load.js';
import { CardSecrets } from '../helpers/leak-check.js';
import { Resources } from '../helpers/serve-harness.js';
import { postgresForFile, sqlRows } from '../helpers/store-fixtures.js';
import { cardFor } from '../helpers/test-cards.js';

const resources = new Resources();
afterEach(() => resources.run());
const pgFile = postgresForFile();

const KEY = 'store-audit-hmac-key';
/** The key as audit verify finds it in-process (--key-env names the variable). */
process.env.ISOTRACE_TEST_STORE_AUDIT_KEY = KEY;

/** A path for --audit-dir that must never be made. */
function unusedDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'isotrace-store-audit-'));
  resources.add(() => rmSync(parent, { recursive: true, force: true }));
  return join(parent, 'audit');
}

/** Every record of the transaction log, oldest first by node and seq (all full records). */
async function storedRecords(url: string): Promise<StoredFullAuditRecord[]> {
  const c = await openTxnLogReader(url);
  try {
    const { entries } = await findTxnLogRecords(c, {}, 1_000_000);
    return entries.reverse().map((e) => {
      if (isCompactRecord(e.record)) throw new Error(`node ${e.nodeId} seq ${e.seq}: a compact record`);
      return e.record;
    });
  } finally {
    await c.end();
  }
}

const tableText = async (url: string): Promise<string> => JSON.stringify(await sqlRows(url, 'SELECT * FROM isotrace.txn_log'));

describe('serve --store: the audit trail in the transaction log', () => {
  it('writes a row per transaction, no audit directory, and the audit tools read it with --store', async () => {
    const url = await pgFile.server.newDatabase();
    const dir = unusedDir();
    const s = await spawnServe(resources, ['--audit-dir', dir, '--store', url, '--node-id', 'switch-a'], cleanEnv({ ISOTRACE_AUDIT_KEY: KEY }));
    const card = cardFor('00');
    const t = await connect(resources, s.port);
    const res = await t.request(purchase('STORE001'));
    expect(res.get(39)).toBe('00');
    const rrn = String(res.get(37));

    // Strict mode: the answer left once the row was committed.
    const show = await runCli(['audit', 'show', '--store', url, rrn]);
    expect([show.code, show.stderr]).toEqual([0, '']);
    expect(show.stdout).toMatch(/^stored: +node "switch-a" seq 1$/m);
    expect(show.stdout).toMatch(new RegExp(`^rrn: +${rrn}$`, 'm'));
    expect(show.stdout).toMatch(/^pan: +\d{6}\*+\d{4}$/m);
    expect(existsSync(dir)).toBe(false);

    await t.request(purchase('STORE002'));
    s.child.kill('SIGTERM');
    expect((await s.exited)[0]).toBe(0);
    const list = await runCli(['audit', 'list', '--store', url, '--terminal', 'STORE002', '--json']);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as StoredFullAuditRecord[]).map((r) => r.request.terminal_id)).toEqual(['STORE002']);
    const verify = await runCli(['audit', 'verify', '--store', url, '--key-env', 'ISOTRACE_TEST_STORE_AUDIT_KEY']);
    expect([verify.code, verify.stdout.trim(), verify.stderr]).toEqual([0, 'audit: node "switch-a": 2 records, chain intact', '']);
    const unkeyed = await runCli(['audit', 'verify', '--store', url]);
    expect(unkeyed.code).toBe(2);
    expect(unkeyed.stderr).toMatch(/^isotrace: AUDIT_KEY_REQUIRED node "switch-a" seq 1 .*set ISOTRACE_AUDIT_KEY/);

    const secrets = new CardSecrets();
    secrets.pans.add(card.pan);
    expect(secrets.leaksIn(await tableText(url))).toEqual([]);
  });

  it('loses no record of an answer a terminal got when killed with SIGKILL under load, and every chain verifies', async () => {
    const url = await pgFile.server.newDatabase();
    const env = cleanEnv({ ISOTRACE_AUDIT_KEY: KEY });
    const first = await spawnServe(resources, ['--store', url, '--node-id', 'crash-a'], env);
    const received: Received[] = [];
    const loads = Array.from({ length: 4 }, (_, i) => loadTerminal(resources, first.port, `PGCRSH0${i}`, received));
    await Promise.all(loads.map((l) => l.started));
    await sleep(1_000); // the crash window: load runs, answers arrive, requests are in flight
    first.child.kill('SIGKILL');
    expect((await first.exited)[1]).toBe('SIGKILL');
    const sent = (await Promise.all(loads.map((l) => l.sent))).reduce((a, b) => a + b, 0);
    const answered = [...received];
    expect(answered.length).toBeGreaterThan(4);
    expect(sent).toBe(answered.length + 4 * WINDOW);

    // The same node again: its chain goes on from the head in the table.
    const second = await spawnServe(resources, ['--store', url, '--node-id', 'crash-a'], env);
    const t = await connect(resources, second.port);
    const last = await t.request(purchase('PGCRSH99', 200));
    expect(last.get(39)).toBe('00');
    second.child.kill('SIGTERM');
    expect((await second.exited)[0]).toBe(0);

    const records = await storedRecords(url);
    expectOneRecordEach(records, [...answered, { tid: 'PGCRSH99', stan: String(last.get(11)), rc: '00', rrn: String(last.get(37)) }]);
    expect(records.length).toBeLessThanOrEqual(sent + 1);
    const c = await openTxnLogReader(url);
    resources.add(() => c.end());
    expect(await verifyTxnLog(c, Buffer.from(KEY))).toEqual([expect.objectContaining({ nodeId: 'crash-a', records: records.length, broken: null })]);
  }, 30_000);

  it('gives each worker of serve --workers its own chain, every chain verifying', async () => {
    const url = await pgFile.server.newDatabase();
    const s = await spawnServe(resources, ['--store', url, '--node-id', 'multi', '--workers', '2'], cleanEnv());
    await s.next('workers.ready');
    const terminals = await Promise.all([0, 1, 2, 3].map(() => connect(resources, s.port)));
    const answers = await Promise.all(terminals.map((t, i) => t.request(purchase(`MULTI00${i}`))));
    expect(answers.map((a) => a.get(39))).toEqual(['00', '00', '00', '00']);
    s.child.kill('SIGTERM');
    expect((await s.exited)[0]).toBe(0);
    const c = await openTxnLogReader(url);
    resources.add(() => c.end());
    const chains = await verifyTxnLog(c, null);
    expect(chains.map((r) => [r.nodeId, r.broken])).toEqual([['multi-w1', null], ['multi-w2', null]]);
    expect(chains.reduce((n, r) => n + r.records, 0)).toBe(4);
  }, 30_000);

  it('keeps answering terminals under load through a database stopped and started: 96 meanwhile, every 00 recorded, no crash', async () => {
    const url = await pgFile.server.newDatabase();
    const s = await spawnServe(resources, ['--store', url, '--node-id', 'outage-load'], cleanEnv({ ISOTRACE_AUDIT_KEY: KEY }));
    const received: Received[] = [];
    const loads = Array.from({ length: 4 }, (_, i) => loadTerminal(resources, s.port, `PGDOWN0${i}`, received));
    await Promise.all(loads.map((l) => l.started));
    await sleep(300);
    await pgFile.server.stopServer();
    try {
      await sleep(800);
    } finally {
      await pgFile.server.startServer();
    }
    const restartedAt = received.length;
    // Every terminal is approved again, by the same process: nothing crashed, nothing restarted.
    await expect.poll(() => s.child.exitCode ?? new Set(received.slice(restartedAt).filter((a) => a.rc === '00').map((a) => a.tid)).size, { timeout: 20_000, interval: 100 }).toBe(4);
    expect(s.child.exitCode).toBeNull();
    s.child.kill('SIGTERM');
    expect((await s.exited)[0]).toBe(0);
    await Promise.all(loads.map((l) => l.sent));
    const rcs = new Set(received.map((a) => a.rc));
    expect([...rcs].sort()).toEqual(['00', '96']);
    // Never an approval without its committed record.
    const records = await storedRecords(url);
    expectOneRecordEach(records, received.filter((a) => a.rc === '00'));
    const c = await openTxnLogReader(url);
    resources.add(() => c.end());
    expect((await verifyTxnLog(c, Buffer.from(KEY))).map((r) => r.broken)).toEqual([null]);
  }, 60_000);

  it('answers 96 while the database is stopped (never an answer without its row), and 00 again once it is back', async () => {
    const url = await pgFile.server.newDatabase();
    const s = await spawnServe(resources, ['--store', url, '--node-id', 'outage-a'], cleanEnv());
    const t = await connect(resources, s.port);
    expect((await t.request(purchase('OUTAGE01'))).get(39)).toBe('00');
    await pgFile.server.stopServer();
    let down: string | undefined;
    try {
      down = String((await t.request(purchase('OUTAGE02'))).get(39));
    } finally {
      await pgFile.server.startServer();
    }
    expect(down).toBe('96');
    const failed = await s.next('audit.write_failed');
    expect(failed).toMatchObject({ store: true, node: 'outage-a', err: { code: 'STORE_UNAVAILABLE' } });
    // It recovers by itself: the next transaction is committed and approved.
    expect((await t.request(purchase('OUTAGE03'))).get(39)).toBe('00');
    expect(s.child.exitCode).toBe(null);
    const records = await storedRecords(url);
    expect(records.map((r) => [r.request.terminal_id, r.outcome.response_code])).toEqual([['OUTAGE01', '00'], ['OUTAGE03', '00']]);
  }, 30_000);
});
