// `isotrace audit list | show | tail` against records written by the real switch and by an
// AuditWriter in a temporary directory: table columns, masked PANs only, filters, the stage
// waterfall, lookups by record id, trace id and RRN, exit codes, and tail -f following new records.

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditWriter } from '../../src/audit/index.js';
import { parseTimeMs } from '../../src/cli/commands/audit/options.js';
import { runAuditTail } from '../../src/cli/commands/audit/tail.js';
import { waterfall } from '../../src/cli/commands/audit/show.js';
import { auditFiles, sampleRecord, tempDir, UNSYNCED_FS, writtenLog } from '../audit/helpers/audit-fixtures.js';
import { captureIo } from '../helpers/capture-io.js';
import { runCli } from '../helpers/cli.js';
import { Resources, serve } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

const HEADER = /^TIME \(UTC\) +MTI +STAN +TERMINAL +PAN +AMOUNT +RC +MS +TRACE$/;
const masked = (pan: string): string => `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`;
const filled = (line: string): number => [...line].filter((c) => c === '█').length;

/** Record i of a written log: STAN 00000i, terminal TERM000<1|2>, a two-stage waterfall. */
function record(i: number): Record<string, unknown> {
  const r = sampleRecord(i);
  if (i % 2 === 1) (r.request as Record<string, unknown>).terminal_id = 'TERM0002';
  r.duration_us = 2000;
  r.stages = [
    { name: 'validate', start_us: 0, duration_us: 1000, status: 'ok' },
    { name: 'authorize', start_us: 1000, duration_us: 500, status: 'ok' },
  ];
  return r;
}

const logOf = (n: number): Promise<string> => writtenLog(Array.from({ length: n }, (_, i) => record(i)), null, 1700);

/** Two purchases through the real switch: approved and declined 51. Returns the switch's audit dir and the answers. */
async function switchLog(): Promise<{ dir: string; approved: string; declined: string; rrn: string }> {
  const sw = await serve(resources);
  const t = await sw.terminal();
  const approved = cardFor('00').pan;
  const declined = cardFor('51').pan;
  const first = await t.request(message(sw.codec, '0200', purchaseFields(approved, cardFor('00').expiry)));
  await t.request(message(sw.codec, '0200', purchaseFields(declined, cardFor('51').expiry)));
  await sw.stop();
  return { dir: sw.auditDir, approved, declined, rrn: String(first.get(37)) };
}

describe('isotrace audit list', () => {
  it('prints a table of the switch records, newest first, with masked PANs only', async () => {
    const log = await switchLog();
    const run = await runCli(['audit', 'list', '--dir', log.dir]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(HEADER);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +0200 +\d{6} +TERM0001 +\S+ +100\.00 +51 +\d+\.\d\d +[0-9a-f]{8}$/);
    expect(lines[1]).toContain(masked(log.declined));
    expect(lines[2]).toContain(masked(log.approved));
    expect(lines[2]).toMatch(/ 00 /);
    expect(run.stdout).not.toContain(log.approved);
    expect(run.stdout).not.toContain(log.declined);
  });

  it('filters by RC and prints a JSON array with --json', async () => {
    const log = await switchLog();
    const run = await runCli(['audit', 'list', '--dir', log.dir, '--rc', '51', '--json']);
    expect(run.code).toBe(0);
    const records = JSON.parse(run.stdout) as Array<{ request: { pan: string }; outcome: { response_code: string } }>;
    expect(records.map((r) => [r.outcome.response_code, r.request.pan])).toEqual([['51', masked(log.declined)]]);
  });

  it.each<[string, string[], string[]]>([
    ['the newest first, up to --limit', ['--limit', '3'], ['000005', '000004', '000003']],
    ['only a terminal', ['--terminal', 'TERM0002'], ['000005', '000003', '000001']],
    ['only a STAN', ['--stan', '000002'], ['000002']],
    ['only an RRN', ['--rrn', '632700000401'], ['000004']],
    ['only an MTI, none matching', ['--mti', '0400'], []],
    ['a time range', ['--since', '2026-11-23T20:30Z', '--until', '2026-11-23 20:31'], ['000005', '000004', '000003', '000002', '000001', '000000']],
  ])('lists %s when asked', async (_, flags, stans) => {
    const dir = await logOf(6);
    const run = await runCli(['audit', 'list', '--dir', dir, '--json', ...flags]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Array<{ request: { stan: string } }>).map((r) => r.request.stan)).toEqual(stans);
  });

  it('says so in one line when no record matches', async () => {
    const dir = await logOf(2);
    expect(await runCli(['audit', 'list', '--dir', dir, '--since', '1m'])).toEqual({ code: 0, stdout: 'audit: no matching records\n', stderr: '' });
  });

  it.each([
    [['--since', 'yesterday'], /^isotrace: CLI_BAD_VALUE --since expects an ISO 8601 time .* \(got "yesterday"\)\n$/],
    [['--until', '2026-13-45'], /^isotrace: CLI_BAD_VALUE --until expects an ISO 8601 time/],
    [['--since', '1h', '--until', '2h'], /^isotrace: CLI_BAD_USAGE --since must be earlier than --until\n$/],
    [['--limit', '0'], /^isotrace: CLI_BAD_VALUE --limit expects an integer >= 1 \(got "0"\)\n$/],
  ])('exits 2 with one line when given %j', async (flags, stderr) => {
    const run = await runCli(['audit', 'list', '--dir', tempDir(), ...flags]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(stderr);
    expect(run.stderr.split('\n')).toHaveLength(2);
  });

  it.each([
    [['--stan', '12'], /^isotrace: CLI_BAD_VALUE --stan expects 6 digits \(got "12"\)\n$/],
    [['--rc', '5'], /^isotrace: CLI_BAD_VALUE --rc expects a response code of 2 characters, or a 1993 action code of 3 digits \(got "5"\)\n$/],
    [['--mti', '100'], /^isotrace: CLI_BAD_VALUE --mti expects 4 digits \(got "100"\)\n$/],
    [['--rrn', '1234'], /^isotrace: CLI_BAD_VALUE --rrn expects 12 letters, digits or spaces \(got "1234"\)\n$/],
  ])('issue #13: says in words what a filter expects, not as a regular expression, when given %j', async (flags, stderr) => {
    const run = await runCli(['audit', 'list', '--dir', tempDir(), ...flags]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(stderr);
  });

  it('reads the directory ISOTRACE_AUDIT_DIR names when there is no --dir', async () => {
    vi.stubEnv('ISOTRACE_AUDIT_DIR', await logOf(2));
    try {
      const run = await runCli(['audit', 'list', '--json']);
      expect((JSON.parse(run.stdout) as unknown[]).length).toBe(2);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('exits 1 with one line when a complete line is not a record', async () => {
    const dir = await logOf(2);
    const file = join(dir, auditFiles(dir).at(-1)!);
    appendFileSync(file, 'not json\n');
    const run = await runCli(['audit', 'list', '--dir', dir]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^isotrace: AUDIT_BAD_RECORD .*\.ndjson line \d+: .*\n$/);
    expect(run.stderr.split('\n')).toHaveLength(2);
  });

  it('exits 2 when the directory does not exist', async () => {
    const dir = join(tempDir(), 'missing');
    expect(await runCli(['audit', 'list', '--dir', dir])).toEqual({ code: 2, stdout: '', stderr: `isotrace: AUDIT_DIR_NOT_FOUND ${dir}: no such directory\n` });
  });
});

describe('parseTimeMs', () => {
  const NOW = Date.UTC(2026, 10, 23, 21, 0);
  it.each<[string, number]>([
    ['15m', NOW - 15 * 60_000],
    ['2h', NOW - 7_200_000],
    ['1d', NOW - 86_400_000],
    ['2026-11-23', Date.UTC(2026, 10, 23)],
    ['2026-11-23T20:30', Date.UTC(2026, 10, 23, 20, 30)],
    ['2026-11-23 20:30:00.5', Date.UTC(2026, 10, 23, 20, 30, 0, 500)],
    ['2026-11-23T20:30+01:00', Date.UTC(2026, 10, 23, 19, 30)],
  ])('reads %s as UTC unless it has an offset, or as a span back from now', (text, ms) => {
    expect(parseTimeMs('--since', text, NOW)).toBe(ms);
  });
});

describe('isotrace audit show', () => {
  it('finds a switch record by record id, trace id and RRN and draws its stages', async () => {
    const log = await switchLog();
    const [newest, oldest] = JSON.parse((await runCli(['audit', 'list', '--dir', log.dir, '--json'])).stdout) as Array<Record<string, string>>;
    for (const key of [String(oldest.id), String(oldest.trace_id), log.rrn]) {
      const run = await runCli(['audit', 'show', key, '--dir', log.dir]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^id: +${oldest.id}$`, 'm'));
      expect(run.stdout).toMatch(/^response_code: +00$/m);
      expect(run.stdout).toMatch(new RegExp(`^pan: +${masked(log.approved).replaceAll('*', '\\*')}$`, 'm'));
      expect(run.stdout).not.toContain(log.approved);
      for (const stage of ['validate', 'authorize', 'respond']) expect(run.stdout).toMatch(new RegExp(`^${stage} +\\|[█░]{60}\\| \\d+\\.\\d\\d ms`, 'm'));
    }
    expect(newest.id).not.toBe(oldest.id);
  });

  it('draws a stage of half the duration as about half the bar, placed by its start', async () => {
    const dir = await logOf(3);
    const run = await runCli(['audit', 'show', String(record(1).id), '--dir', dir]);
    expect(run.code).toBe(0);
    const validate = run.stdout.split('\n').find((l) => l.startsWith('validate'))!;
    const authorize = run.stdout.split('\n').find((l) => l.startsWith('authorize'))!;
    expect(validate).toBe(`validate   |${'█'.repeat(30)}${'░'.repeat(30)}| 1.00 ms`);
    expect(authorize).toBe(`authorize  |${'░'.repeat(30)}${'█'.repeat(15)}${'░'.repeat(15)}| 0.50 ms`);
  });

  it('keeps a very short stage visible and stretches the scale to a stage ending after the total', () => {
    const lines = waterfall([{ name: 'a', start_us: 0, duration_us: 1 }, { name: 'b', start_us: 50, duration_us: 150, status: 'error' }], 100, 20);
    expect(filled(lines[0])).toBe(1);
    expect(lines[1]).toBe(`b  |${'░'.repeat(5)}${'█'.repeat(15)}| 0.15 ms  error`);
  });

  it('prints the record as JSON with --json', async () => {
    const dir = await logOf(2);
    const run = await runCli(['audit', 'show', String(record(1).trace_id), '--dir', dir, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ...record(1), prev: expect.any(String), hash: expect.any(String) });
  });

  it('issue #13: shows the frame length of a compact record, and dashes for what it does not hold', async () => {
    const compact = {
      id: '0190a4f2-0000-7000-8000-000000000077', trace_id: 'ab'.repeat(16), received_at: '2026-11-23T20:30:00.123456Z', completed_at: '2026-11-23T20:30:00.123500Z',
      duration_us: 44, source: { conn_id: 'c3', remote: '127.0.0.1:40000' }, frame_bytes: 4, request: { mti: '0100' }, outcome: { response_code: '30' },
      response: { mti: '0110' }, error: { code: 'CODEC_TRUNCATED', field: 'bitmap', offset: 4 },
    };
    const dir = await writtenLog([compact], null);
    const run = await runCli(['audit', 'show', 'abab', '--dir', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^frame: +4 bytes, nothing readable past the MTI$/m);
    expect(run.stdout).toMatch(/^pan: +-$/m);
    expect(run.stdout).toMatch(/^error: +CODEC_TRUNCATED \(field bitmap, byte 4\)$/m);
    expect(run.stdout).toMatch(/^stages \(0, total 0\.044 ms\):$/m);
  });

  it('exits 1 with one coded line when no record has the id', async () => {
    const dir = await logOf(2);
    expect(await runCli(['audit', 'show', 'nothing-like-it', '--dir', dir])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'isotrace: AUDIT_RECORD_NOT_FOUND no audit record matches "nothing-like-it" (by id, trace id or a prefix of one, or RRN)\n',
    });
  });

  it('issue #13: shows a switch record by the 8-digit trace id audit list prints', async () => {
    const log = await switchLog();
    const listed = (await runCli(['audit', 'list', '--dir', log.dir])).stdout.trimEnd().split('\n');
    const short = listed[2].split(/ +/).at(-1)!;
    expect(short).toMatch(/^[0-9a-f]{8}$/);
    const run = await runCli(['audit', 'show', short, '--dir', log.dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^trace_id: +${short}[0-9a-f]{24}$`, 'm'));
    expect(run.stdout).toMatch(/^response_code: +00$/m);
  });

  it('issue #13: shows a record by --stan and --terminal, without a key', async () => {
    const dir = await logOf(4);
    const run = await runCli(['audit', 'show', '--stan', '000003', '--terminal', 'TERM0002', '--dir', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^id: +${String(record(3).id)}$`, 'm'));
    const none = await runCli(['audit', 'show', '--stan', '000003', '--terminal', 'TERM0001', '--dir', dir]);
    expect(none).toMatchObject({ code: 1, stdout: '', stderr: 'isotrace: AUDIT_RECORD_NOT_FOUND no audit record matches STAN 000003, terminal TERM0001 (by id, trace id or a prefix of one, or RRN)\n' });
    expect((await runCli(['audit', 'show', '--dir', dir])).code).toBe(2);
  });

  it('issue #13: lists every record a repeated RRN matches and exits 1, shows them all with --all', async () => {
    const twice = [record(0), record(1), record(2)];
    (twice[2].request as Record<string, unknown>).rrn = (twice[0].request as Record<string, string>).rrn;
    const dir = await writtenLog(twice, null);
    const rrn = String((twice[0].request as Record<string, string>).rrn);
    const run = await runCli(['audit', 'show', rrn, '--dir', dir]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(HEADER);
    expect(lines.slice(1).map((l) => l.split(/ +/)[3])).toEqual(['000002', '000000']);
    expect(run.stderr).toBe(`isotrace: AUDIT_KEY_AMBIGUOUS "${rrn}" matches 2 audit records (listed newest first): show one by its trace id, narrow with --stan, --terminal or --mti, or add --all\n`);
    const all = await runCli(['audit', 'show', rrn, '--all', '--dir', dir]);
    expect(all.code).toBe(0);
    expect([...all.stdout.matchAll(/^id: +(\S+)$/gm)].map((m) => m[1])).toEqual([twice[2].id, twice[0].id]);
    const json = await runCli(['audit', 'show', rrn, '--json', '--dir', dir]);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as Array<{ id: string }>).map((r) => r.id)).toEqual([twice[2].id, twice[0].id]);
    expect((await runCli(['audit', 'show', rrn, '--stan', '000000', '--dir', dir])).code).toBe(0);
  });
});

describe('isotrace audit tail', () => {
  it('prints the last -n records oldest first and exits without -f', async () => {
    const dir = await logOf(5);
    const run = await runCli(['audit', 'tail', '-n', '2', '--dir', dir]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(HEADER);
    expect(lines.slice(1).map((l) => l.split(/ +/)[3])).toEqual(['000003', '000004']);
  });

  it('with -f prints a record appended after it started, until aborted', async () => {
    const dir = tempDir();
    const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, fs: UNSYNCED_FS, maxFileBytes: 1700 });
    for (const i of [0, 1]) await writer.append(record(i));
    const { io, lines } = captureIo();
    const abort = new AbortController();
    const done = runAuditTail({ dir, follow: true, lines: '1', json: true }, io, {}, { signal: abort.signal, pollIntervalMs: 5 });
    await vi.waitFor(() => expect(lines).toHaveLength(1), { interval: 5 });
    for (const i of [2, 3]) await writer.append(record(i));
    await writer.close();
    await vi.waitFor(() => expect(lines).toHaveLength(3), { interval: 5 });
    abort.abort();
    expect(await done).toBe(0);
    expect(lines.map((l) => (JSON.parse(l) as { request: { stan: string } }).request.stan)).toEqual(['000001', '000002', '000003']);
  });

  it('exits 2 for a bad -n', async () => {
    expect(await runCli(['audit', 'tail', '-n', 'x', '--dir', tempDir()])).toMatchObject({ code: 2, stderr: 'isotrace: CLI_BAD_VALUE -n/--lines expects an integer >= 0 (got "x")\n' });
  });
});
