// `isotrace saf list | show | retry | purge` on a real queue directory: masked output (table, key
// lines, JSON), the lock that keeps retry and purge away from a running owner, --yes, and every
// failure as one line with its exit code.

import { describe, expect, it } from 'vitest';
import { runSafList } from '../../src/cli/commands/saf/list.js';
import { safDirFrom } from '../../src/cli/commands/saf/options.js';
import { SafQueue } from '../../src/saf/index.js';
import { runCli } from '../helpers/cli.js';
import { advice, logEvents, openQueue, PAN, safDir } from '../saf/helpers/saf-fixtures.js';

const ONE_LINE = (code: string): RegExp => new RegExp(`^isotrace: ${code} [^\\n]+\\n$`);

/** A directory owing acme #1 (sent twice) and #3, zenith #2; closed, as after the switch stopped. */
async function stocked(): Promise<string> {
  const dir = safDir();
  const q = await SafQueue.open({ dir });
  await q.enqueue(advice(1, 'acme'));
  await q.enqueue(advice(2, 'zenith', { reason: 'reversal while link down' }));
  await q.enqueue(advice(3, 'acme', { reason: 'late approval', fields: { ...advice(3).fields, 48: 'PRIVATE48' }, sensitive: [48] }));
  await q.markSent(1);
  await q.markSent(1);
  await q.close();
  return dir;
}

describe('isotrace saf list / show', () => {
  it('issue #15: list prints a table of what is owed, oldest first, the PAN masked and never in clear', async () => {
    const dir = await stocked();
    const r = await runCli(['saf', 'list', '--saf-dir', dir]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+ID\s+ISSUER\s+STATE\s+MTI\s+TRIES\s+AGE\s+REASON\s+TRACE\s+PAN\s+STAN\s+RRN\s+TERMINAL$/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s{2,}/).slice(0, 5))).toEqual([
      ['1', 'acme', 'sent', '0421', '2'], ['2', 'zenith', 'queued', '0420', '0'], ['3', 'acme', 'queued', '0420', '0'],
    ]);
    expect(lines[1]).toContain(`${PAN.slice(0, 6)}******${PAN.slice(-4)}`);
    expect(lines[1]).toContain('000001  632700000101  TERM0001');
    expect(r.stdout).not.toContain(PAN);
  });

  it('issue #15: list --issuer keeps one issuer; --json prints masked views; an empty directory owes nothing', async () => {
    const dir = await stocked();
    const r = await runCli(['saf', 'list', '--saf-dir', dir, '--issuer', 'acme', '--json']);
    const views = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(views.map((v) => [v.id, v.mti, v.attempts])).toEqual([[1, '0421', 2], [3, '0420', 0]]);
    expect(views[1]).toMatchObject({ issuer: 'acme', state: 'queued', reason: 'late approval', traceparent: advice(3).traceparent, lastAttemptAt: null, fields: { 2: expect.stringMatching(/^\d{6}\*+\d{4}$/), 48: '***', 11: '000003' } });
    expect(r.stdout).not.toContain(PAN);
    expect(r.stdout).not.toContain('PRIVATE48');
    const empty = safDir();
    await (await SafQueue.open({ dir: empty })).close();
    expect((await runCli(['saf', 'list', '--saf-dir', empty])).stdout).toBe(`saf: nothing owed in ${empty}\n`);
    expect((await runCli(['saf', 'list', '--saf-dir', empty, '--json'])).stdout).toBe('[]\n');
  });

  it('issue #15: list works while a switch owns the directory (no lock taken)', async () => {
    const dir = await stocked();
    await openQueue(dir);
    expect((await runCli(['saf', 'list', '--saf-dir', dir])).code).toBe(0);
  });

  it('issue #15: show prints one entry in full, masked; --json the same view', async () => {
    const dir = await stocked();
    const r = await runCli(['saf', 'show', '3', '--saf-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^id:\s+3\nissuer:\s+acme\nstate:\s+queued\nnext send:\s+0420\nattempts:\s+0\nreason:\s+late approval\n/);
    expect(r.stdout).toContain(`traceparent:  ${advice(3).traceparent}`);
    expect(r.stdout).toMatch(/ {2}DE {3}2 {2}\d{6}\*{6}\d{4}\n/);
    expect(r.stdout).toContain('  DE  48  ***\n');
    expect(r.stdout).not.toContain(PAN);
    const json = JSON.parse((await runCli(['saf', 'show', '1', '--saf-dir', dir, '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ id: 1, state: 'sent', mti: '0421', attempts: 2 });
  });

  it.each([
    ['an id not owed', ['saf', 'show', '9'], 1, 'SAF_ENTRY_NOT_FOUND', 'no entry 9 is owed in'],
    ['an id that is not a number', ['saf', 'show', 'x9'], 2, 'CLI_BAD_VALUE', 'entry id expects a positive integer'],
  ])('issue #15: show refuses %s with one line', async (_what, argv, code, errorCode, message) => {
    const dir = await stocked();
    const r = await runCli([...argv, '--saf-dir', dir]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code, stdout: '' });
    expect(r.stderr).toMatch(ONE_LINE(errorCode));
    expect(r.stderr).toContain(message);
  });

  it('issue #15: a missing directory is SAF_DIR_NOT_FOUND, exit 2, for every sub-command, and none creates it', async () => {
    const dir = `${safDir()}-missing`;
    for (const argv of [['list'], ['show', '1'], ['retry', '1'], ['purge', '--all', '--yes']]) {
      const r = await runCli(['saf', ...argv, '--saf-dir', dir]);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.stderr).toMatch(ONE_LINE('SAF_DIR_NOT_FOUND'));
    }
    expect((await runCli(['saf', 'list', '--saf-dir', dir])).stderr).toBe(`isotrace: SAF_DIR_NOT_FOUND saf directory ${dir} does not exist\n`);
  });

  it('issue #15: the directory is --saf-dir, else ISOTRACE_SAF_DIR, else ./var/saf', async () => {
    expect(safDirFrom({ safDir: '/a' }, { ISOTRACE_SAF_DIR: '/b' })).toBe('/a');
    expect(safDirFrom({}, { ISOTRACE_SAF_DIR: '/b' })).toBe('/b');
    expect(safDirFrom({}, {})).toBe('./var/saf');
    const dir = await stocked();
    let out = '';
    const io = { out: (t: string) => (out += t), err: () => {}, readStdin: async () => Buffer.alloc(0) };
    expect(await runSafList({ json: true }, io, { ISOTRACE_SAF_DIR: dir })).toBe(0);
    expect(JSON.parse(out)).toHaveLength(3);
  });
});

describe('isotrace saf retry / purge', () => {
  it('issue #15: retry and purge are refused with SAF_LOCKED (exit 1) while a switch owns the directory', async () => {
    const dir = await stocked();
    await openQueue(dir);
    for (const argv of [['retry', '1'], ['purge', '1', '--yes']]) {
      const r = await runCli(['saf', ...argv, '--saf-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(ONE_LINE('SAF_LOCKED'));
      expect(r.stderr).toContain(`is in use by pid ${process.pid}`);
      expect(r.stderr).toContain('stop it first');
    }
  });

  it('issue #15: retry makes an entry due now, kept for the next start; --all --issuer all of one issuer', async () => {
    const dir = await stocked();
    const r = await runCli(['saf', 'retry', '1', '--saf-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^saf: 1 entry due now/);
    const q = await SafQueue.open({ dir });
    const entry = q.get(1)!;
    expect(entry.nextAttemptAt).toBeLessThanOrEqual(Date.now());
    expect(entry.nextAttemptAt).toBeGreaterThan(entry.lastAttemptAt!);
    await q.close();
    const all = await runCli(['saf', 'retry', '--all', '--issuer', 'zenith', '--saf-dir', dir, '--json']);
    expect((JSON.parse(all.stdout) as Array<{ id: number }>).map((v) => v.id)).toEqual([2]);
  });

  it('issue #15: purge needs --yes (exit 2 without), then drops the entries, lists them masked, and the log names who purged', async () => {
    const dir = await stocked();
    const refused = await runCli(['saf', 'purge', '--all', '--issuer', 'acme', '--saf-dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(ONE_LINE('CLI_BAD_USAGE'));
    expect(refused.stderr).toContain('add --yes');
    const r = await runCli(['saf', 'purge', '--all', '--issuer', 'acme', '--yes', '--saf-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^saf: 2 entries purged: their issuers will not get them\n/);
    expect(r.stdout).not.toContain(PAN);
    expect(logEvents(dir).filter((e) => e.ev === 'purged')).toEqual([1, 3].map((id) => ({ ev: 'purged', id, at: expect.any(Number), by: expect.stringMatching(new RegExp(`^isotrace saf purge \\(pid ${process.pid}, user .+\\)$`)) })));
    const q = await openQueue(dir);
    expect(q.entries().map((e) => e.id)).toEqual([2]);
  });

  it.each([
    ['neither an id nor --all', ['retry'], 'saf retry takes an entry id or --all'],
    ['both an id and --all', ['purge', '1', '--all', '--yes'], 'saf purge takes an entry id or --all'],
    ['--issuer with an id', ['retry', '1', '--issuer', 'acme'], '--issuer goes with --all'],
  ])('issue #15: %s is bad usage (exit 2, CLI_BAD_USAGE)', async (_what, argv, message) => {
    const dir = await stocked();
    const r = await runCli(['saf', ...argv, '--saf-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(ONE_LINE('CLI_BAD_USAGE'));
    expect(r.stderr).toContain(message);
  });

  it('issue #15: retry or purge of an id not owed is SAF_ENTRY_NOT_FOUND, exit 1', async () => {
    const dir = await stocked();
    const r = await runCli(['saf', 'purge', '7', '--yes', '--saf-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(ONE_LINE('SAF_ENTRY_NOT_FOUND'));
  });
});
