// `isotrace saf list | show | retry | purge --store` on a real PostgreSQL: the same masked output
// as the directory's commands, read and changed while a switch's queue is open on the store
// (retry and purge under row locks, the delivering node told), and failures as one line.

import { describe, expect, it } from 'vitest';
import { runSafList } from '../../src/cli/commands/saf/list.js';
import type { Io } from '../../src/cli/io.js';
import { SafQueue, type SafAdvice } from '../../src/saf/index.js';
import type { StoreSafQueue } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { postgresPerFile } from '../helpers/postgres-file.js';
import { advice, PAN, safDir } from '../saf/helpers/saf-fixtures.js';
import { openNode, withClient } from '../store/helpers/saf-store.js';

const pgFile = postgresPerFile();

const ONE_LINE = (code: string): RegExp => new RegExp(`^isotrace: ${code} [^\\n]+\\n$`);

/** acme #1 (sent twice) and #3, zenith #2, as saf.spec.ts stocks its directory. */
const STOCK: SafAdvice[] = [
  advice(1, 'acme'),
  advice(2, 'zenith', { reason: 'reversal while link down' }),
  advice(3, 'acme', { reason: 'late approval', fields: { ...advice(3).fields, 48: 'PRIVATE48' }, sensitive: [48] }),
];

/** A store whose queue owes STOCK, entry 1 sent twice; its node's queue stays open (a running switch). */
async function stocked(pollMs = 1000): Promise<{ url: string; queue: StoreSafQueue }> {
  const url = await pgFile.server.newDatabase();
  const { queue } = await openNode(url, 'node-a', { pollMs });
  for (const a of STOCK) await queue.enqueue(a);
  for (let i = 0; i < 2; i++) {
    await queue.next('acme');
    await queue.markSent(1);
  }
  queue.release('acme');
  return { url, queue };
}

/** Views without their times (which differ between two queues made one after the other). */
const timeless = (json: string): unknown => (JSON.parse(json) as Array<Record<string, unknown>>).map(({ createdAt, lastAttemptAt, nextAttemptAt, ...v }) => ({ ...v, hasLastAttempt: lastAttemptAt !== null }));

describe('isotrace saf --store', () => {
  it('issue #17: list and show print what the directory commands print for the same queue, masked, while a switch runs on the store', async () => {
    const { url } = await stocked();
    const dir = safDir();
    const q = await SafQueue.open({ dir });
    for (const a of STOCK) await q.enqueue(a);
    await q.markSent(1);
    await q.markSent(1);
    await q.close();
    const fromStore = await runCli(['saf', 'list', '--store', url, '--json']);
    expect({ code: fromStore.code, stderr: fromStore.stderr }).toEqual({ code: 0, stderr: '' });
    expect(timeless(fromStore.stdout)).toEqual(timeless((await runCli(['saf', 'list', '--saf-dir', dir, '--json'])).stdout));
    const table = (await runCli(['saf', 'list', '--store', url])).stdout.trimEnd().split('\n');
    expect(table[0]).toBe((await runCli(['saf', 'list', '--saf-dir', dir])).stdout.split('\n')[0]);
    expect(table.slice(1).map((l) => l.trim().split(/\s{2,}/).slice(0, 5))).toEqual([
      ['1', 'acme', 'sent', '0421', '2'], ['2', 'zenith', 'queued', '0420', '0'], ['3', 'acme', 'queued', '0420', '0'],
    ]);
    expect(table[1]).toContain(`${PAN.slice(0, 6)}******${PAN.slice(-4)}`);
    const show = await runCli(['saf', 'show', '3', '--store', url]);
    expect(show.stdout).toContain('DE  48  ***');
    expect(show.stdout).toMatch(/DE {3}2 {2}\d{6}\*+\d{4}/);
    for (const out of [fromStore.stdout, table.join('\n'), show.stdout]) {
      expect(out).not.toContain(PAN);
      expect(out).not.toContain('PRIVATE48');
    }
  });

  it('issue #17: reads ISOTRACE_DATABASE_URL; --saf-dir given wins over it; --store with --saf-dir is bad usage', async () => {
    const { url } = await stocked();
    let out = '';
    const io: Io = { out: (t) => (out += `${t}\n`), err: (t) => (out += `${t}\n`), readStdin: async () => Buffer.alloc(0) };
    expect(await runSafList({ issuer: 'zenith' }, io, { ISOTRACE_DATABASE_URL: url })).toBe(0);
    expect(out.split('\n')[1]).toMatch(/^\s+2\s+zenith/);
    const dir = safDir();
    await (await SafQueue.open({ dir })).close();
    out = '';
    expect(await runSafList({ safDir: dir }, io, { ISOTRACE_DATABASE_URL: url })).toBe(0);
    expect(out).toBe(`saf: nothing owed in ${dir}\n`);
    const both = await runCli(['saf', 'list', '--store', url, '--saf-dir', safDir()]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(ONE_LINE('CLI_BAD_USAGE'));
    const badUrl = await runCli(['saf', 'list', '--store', 'mysql://h/db']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(ONE_LINE('CONFIG_INVALID'));
  });

  it('issue #17: retry makes entries due now while a switch runs, and the node delivering them is told at once', async () => {
    // Polling once an hour: only the store's notification can tell the node.
    const { url, queue } = await stocked(3_600_000);
    const told: string[] = [];
    queue.watch('acme', () => told.push('acme'));
    const r = await runCli(['saf', 'retry', '--all', '--issuer', 'acme', '--store', url]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.split('\n')[0]).toBe('saf: 2 entries due now: the switch delivering them sends them at once');
    await expect.poll(() => told.length).toBeGreaterThan(0);
    const due = await withClient(url, async (c) => (await c.query<{ id: string }>("SELECT id FROM isotrace.saf_entries WHERE next_attempt_at <= now() AND state = 'owed' ORDER BY id")).rows.map((x) => Number(x.id)));
    expect(due).toEqual([1, 2, 3]);
    expect((await queue.next('acme'))!.entry.nextAttemptAt).toBeLessThanOrEqual(Date.now());
  });

  it('issue #17: purge needs --yes, drops one entry or all of an issuer under row locks, records who, and the switch cannot acknowledge it after', async () => {
    const { url, queue } = await stocked();
    expect((await runCli(['saf', 'purge', '1', '--store', url])).code).toBe(2);
    const delivering = await queue.next('acme');
    expect(delivering!.entry.id).toBe(1);
    const one = await runCli(['saf', 'purge', '1', '--yes', '--store', url, '--json']);
    expect(one.code).toBe(0);
    expect((JSON.parse(one.stdout) as Array<{ id: number; state: string }>).map((v) => [v.id, v.state])).toEqual([[1, 'purged']]);
    expect((await queue.acknowledge(1).catch((e: { code: string }) => e)) as { code: string }).toMatchObject({ code: 'SAF_ENTRY_NOT_FOUND' });
    const again = await runCli(['saf', 'purge', '1', '--yes', '--store', url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(ONE_LINE('SAF_ENTRY_NOT_FOUND'));
    expect((await runCli(['saf', 'purge', '--all', '--issuer', 'zenith', '--yes', '--store', url])).code).toBe(0);
    const rows = await withClient(url, async (c) => (await c.query<{ id: string; state: string; purged_by: string | null }>('SELECT id, state, purged_by FROM isotrace.saf_entries ORDER BY id')).rows);
    expect(rows.map((x) => [Number(x.id), x.state])).toEqual([[1, 'purged'], [2, 'purged'], [3, 'owed']]);
    expect(rows[0].purged_by).toMatch(/^isotrace saf purge \(pid \d+, user /);
    const show = await runCli(['saf', 'show', '2', '--store', url]);
    expect(show.code).toBe(1);
    expect(show.stderr).toMatch(ONE_LINE('SAF_ENTRY_NOT_FOUND'));
  });
});
