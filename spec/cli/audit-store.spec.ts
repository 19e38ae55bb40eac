// `isotrace audit list | show | tail | verify --store` against a real PostgreSQL whose transaction
// log two nodes wrote: the same tables and lookups as with --dir, each record located by node and
// seq; tail -f following both nodes; verify naming each node's first break; the exit codes.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAuditTail } from '../../src/cli/commands/audit/tail.js';
import { sampleRecord } from '../audit/helpers/audit-fixtures.js';
import type { TxnLogWriter } from '../../src/store/index.js';
import { captureIo } from '../helpers/capture-io.js';
import { runCli } from '../helpers/cli.js';
import { freeTcpPort } from '../helpers/postgres.js';
import { Resources } from '../helpers/serve-harness.js';
import { postgresForFile, sqlRows, storeDatabase, txnLogWriter } from '../helpers/store-fixtures.js';

const pgFile = postgresForFile();
const resources = new Resources();
afterEach(() => resources.run());

const HEADER = /^TIME \(UTC\) +MTI +STAN +TERMINAL +PAN +AMOUNT +RC +MS +TRACE$/;

/** Record i: received i seconds after 20:30, terminal TERM000<1|2>, RC 05 for every third. */
function record(i: number): string {
  const r = sampleRecord(i);
  r.received_at = `2026-11-23T20:30:${String(i).padStart(2, '0')}.000100Z`;
  if (i % 2 === 1) (r.request as Record<string, unknown>).terminal_id = 'TERM0002';
  if (i % 3 === 0) (r.outcome as Record<string, unknown>).response_code = '05';
  return JSON.stringify(r);
}

/** A database where node-a wrote records 1, 3, 5, 7, 9 and node-b 2, 4, 6, 8; the writers stay open. */
async function twoNodeLog(): Promise<{ url: string; a: TxnLogWriter; b: TxnLogWriter }> {
  const { url, stores } = await storeDatabase(pgFile.server, resources, 'node-a', 'node-b');
  const writers = await Promise.all(stores.map((store) => txnLogWriter(store, resources)));
  const [a, b] = writers;
  for (let i = 1; i <= 9; i++) await (i % 2 === 1 ? a : b).append(record(i));
  return { url, a, b };
}

const stans = (json: string): string[] => (JSON.parse(json) as Array<{ request: { stan: string } }>).map((r) => r.request.stan);

describe('isotrace audit list --store', () => {
  it('lists the records of every node newest first, as a table or JSON, with the filters of --dir', async () => {
    const { url } = await twoNodeLog();
    const table = await runCli(['audit', 'list', '--store', url]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(HEADER);
    expect(lines).toHaveLength(10);
    expect(lines[1]).toMatch(/^2026-11-23 20:30:09\.000 +0100 +000009 +TERM0002 +411111\*+1111 +10\.00 +05 /);
    expect(stans((await runCli(['audit', 'list', '--store', url, '--json', '--terminal', 'TERM0002', '--rc', '05'])).stdout)).toEqual(['000009', '000003']);
    expect(stans((await runCli(['audit', 'list', '--store', url, '--json', '--since', '2026-11-23T20:30:04Z', '--until', '2026-11-23T20:30:07Z'])).stdout)).toEqual(['000006', '000005', '000004']);
    expect(stans((await runCli(['audit', 'list', '--store', url, '--json', '--limit', '2'])).stdout)).toEqual(['000009', '000008']);
    expect(stans((await runCli(['audit', 'list', '--store', url, '--json', '--rrn', '632700000401'])).stdout)).toEqual(['000004']);
  });

  it('reads ISOTRACE_DATABASE_URL when neither --dir nor --store is given, and the directory when --dir is', async () => {
    const { url } = await twoNodeLog();
    process.env.ISOTRACE_DATABASE_URL = url;
    try {
      expect(stans((await runCli(['audit', 'list', '--json', '--stan', '000002'])).stdout)).toEqual(['000002']);
      // --dir names the files: the variable does not override it.
      expect(await runCli(['audit', 'list', '--dir', '/nonexistent/audit'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^isotrace: AUDIT_DIR_NOT_FOUND /) });
    } finally {
      delete process.env.ISOTRACE_DATABASE_URL;
    }
  });
});

describe('isotrace audit show --store', () => {
  it('shows a record by RRN, trace id or record id, located by node and seq', async () => {
    const { url } = await twoNodeLog();
    for (const key of ['632700000401', '00000000000000000000000000000004', '0190a4f2-0000-7000-8000-000000000004']) {
      const run = await runCli(['audit', 'show', '--store', url, key]);
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toMatch(/^stan: +000004$/m);
      expect(run.stdout).toMatch(/^stored: +node "node-b" seq 2$/m);
    }
  });

  it('lists several matches (exit 1) and says when none matches', async () => {
    const { url } = await twoNodeLog();
    const many = await runCli(['audit', 'show', '--store', url, '--stan', '000003', '--terminal', 'TERM0002']);
    expect(many.code).toBe(0);
    const ambiguous = await runCli(['audit', 'show', '--store', url, '0190a4f2']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/^isotrace: AUDIT_KEY_AMBIGUOUS "0190a4f2" matches 9 audit records/);
    const none = await runCli(['audit', 'show', '--store', url, 'ffff_%']);
    expect(none).toMatchObject({ code: 1, stderr: expect.stringMatching(/^isotrace: AUDIT_RECORD_NOT_FOUND no audit record matches "ffff_%"/) });
  });
});

describe('isotrace audit tail --store', () => {
  it('prints the last -n records of all nodes oldest first, then follows what either node writes', async () => {
    const { url, a, b } = await twoNodeLog();
    const last = await runCli(['audit', 'tail', '--store', url, '-n', '3', '--json']);
    expect(last.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { request: { stan: string } }).request.stan)).toEqual(['000007', '000008', '000009']);
    const { io, lines } = captureIo();
    const abort = new AbortController();
    const done = runAuditTail({ store: url, follow: true, lines: '1', json: true }, io, {}, { signal: abort.signal, pollIntervalMs: 5 });
    await vi.waitFor(() => expect(lines).toHaveLength(1), { interval: 5 });
    await b.append(record(10));
    await a.append(record(11));
    await vi.waitFor(() => expect(lines).toHaveLength(3), { interval: 5 });
    abort.abort();
    expect(await done).toBe(0);
    expect(lines.map((l) => (JSON.parse(l) as { request: { stan: string } }).request.stan)).toEqual(['000009', '000010', '000011']);
  });
});

describe('isotrace audit tail -f --store, the store going away', () => {
  it('says so on standard error, waits for it, and goes on where it stopped: no record lost or repeated', async () => {
    const { url, a, b } = await twoNodeLog();
    const { io, lines } = captureIo();
    const abort = new AbortController();
    const done = runAuditTail({ store: url, follow: true, lines: '1', json: true }, io, {}, { signal: abort.signal, pollIntervalMs: 5 });
    await vi.waitFor(() => expect(lines).toHaveLength(1), { interval: 5 });
    // The reader's connection ends as in a server restart (57P01), and records come meanwhile.
    await sqlRows(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'isotrace audit'");
    await b.append(record(10));
    await vi.waitFor(() => expect(lines.some((l) => l.startsWith('ERR isotrace: STORE_UNAVAILABLE '))).toBe(true), { interval: 5, timeout: 5000 });
    await a.append(record(11));
    await vi.waitFor(() => expect(lines.filter((l) => !l.startsWith('ERR '))).toHaveLength(3), { interval: 10, timeout: 5000 });
    abort.abort();
    expect(await done).toBe(0);
    expect(lines.filter((l) => !l.startsWith('ERR ')).map((l) => (JSON.parse(l) as { request: { stan: string } }).request.stan)).toEqual(['000009', '000010', '000011']);
    expect(lines.filter((l) => l.startsWith('ERR '))).toEqual([
      expect.stringMatching(/^ERR isotrace: STORE_UNAVAILABLE the store did not answer following the transaction log( \(57P01\))?; following again when it answers$/),
      'ERR isotrace: the store answers again; following',
    ]);
  });
});

describe('isotrace audit verify --store', () => {
  it('says each node holds, then names the first break of each broken node on one line (exit 1)', async () => {
    const { url } = await twoNodeLog();
    const ok = await runCli(['audit', 'verify', '--store', url]);
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, 'audit: node "node-a": 5 records, chain intact\naudit: node "node-b": 4 records, chain intact\n', '']);
    await sqlRows(url, "DELETE FROM isotrace.txn_log WHERE node_id = 'node-a' AND seq = 3");
    await sqlRows(url, "UPDATE isotrace.txn_log SET record = jsonb_set(record, '{outcome,response_code}', '\"99\"') WHERE node_id = 'node-b' AND seq = 2");
    const broken = await runCli(['audit', 'verify', '--store', url]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe('audit: node "node-a": chain broken at seq 3 (2 records before it intact)\naudit: node "node-b": chain broken at seq 2 (1 record before it intact)\n');
    expect(broken.stderr).toBe('isotrace: AUDIT_CHAIN_BROKEN node "node-a" seq 3: seq 3 missing: records were removed; node "node-b" seq 2: its JSONB record does not match its record text: the record was edited\n');
  });

  it('says where a chain begins once retention removed its oldest records', async () => {
    const { url, stores } = await storeDatabase(pgFile.server, resources, 'node-a');
    // Records 1-9 received on 2026-11-23; a retention of 1 day on 2026-11-26 removes all but the newest.
    const w = await txnLogWriter(stores[0], resources, { retentionDays: 1, nowMs: () => Date.parse('2026-11-26T00:00:00Z'), retentionEveryMs: 3_600_000 });
    for (let i = 1; i <= 9; i++) await w.append(record(i));
    expect(await w.prune()).toBe(8);
    const ok = await runCli(['audit', 'verify', '--store', url]);
    expect([ok.code, ok.stdout]).toEqual([0, 'audit: node "node-a": 1 record from seq 9, the older ones removed by retention, chain intact\n']);
  });
});

describe('isotrace audit --store: usage and failures', () => {
  it.each([
    ['--dir with --store', async (url: string) => ['audit', 'list', '--dir', '/tmp', '--store', url], 2, /^isotrace: CLI_BAD_USAGE --dir and --store/],
    ['a database no switch migrated', async () => ['audit', 'verify', '--store', await pgFile.server.newDatabase()], 2, /^isotrace: STORE_NO_TXN_LOG postgres:\/\/postgres:\*\*\*@.* holds no transaction log/],
    ['a URL that is not PostgreSQL', async () => ['audit', 'show', '--store', 'mysql://h/db', 'x'], 2, /^isotrace: CONFIG_INVALID store: /],
    ['a database that does not answer', async () => ['audit', 'tail', '--store', `postgres://u:pw@127.0.0.1:${await freeTcpPort()}/x`], 1, /^isotrace: STORE_UNAVAILABLE /],
    ['verify on a database that does not answer', async () => ['audit', 'verify', '--store', `postgres://u:pw@127.0.0.1:${await freeTcpPort()}/x`], 1, /^isotrace: STORE_UNAVAILABLE /],
  ])('%s: one line, exit %i', async (_what, argv, code, line) => {
    const run = await runCli(await argv(pgFile.server.url));
    expect(run.code).toBe(code);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(line);
    expect(run.stderr).not.toContain(':pw@');
  });
});
