// `isotrace load` against the real switch (serve harness, port 0): answers and response codes,
// ordered percentiles, the rate limiter, a closed port, and bad usage. Nothing here times our speed.

import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadSummary } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { Resources, serve } from '../helpers/serve-harness.js';

const resources = new Resources();
afterEach(() => resources.run());

/** A port nothing listens on: bound on 127.0.0.1:0, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('isotrace load', () => {
  it('gets every request answered with RC 00 and ordered percentiles when the switch runs', async () => {
    const sw = await serve(resources, { logLevel: 'warn' });
    const run = await runCli(['load', '--port', String(sw.port), '--count', '200', '--connections', '4', '--mix', 'auth=80,echo=20', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const s = JSON.parse(run.stdout) as LoadSummary;
    expect(s).toMatchObject({ sent: 200, answers: 200, responseCodes: { '00': 200 }, timeouts: 0, errors: 0, firstError: null });
    const l = s.latencyMs;
    expect(l.p50).toBeGreaterThan(0);
    expect([l.p50 <= l.p90, l.p90 <= l.p99, l.p99 <= l.p999, l.p999 <= l.max]).toEqual([true, true, true, true]);
    expect(s.throughput).toBeGreaterThan(0);
  });

  it('issue #13: gets 000 for authorizations and 800 for echoes when switch and load speak iso93ascii', async () => {
    const sw = await serve(resources, { logLevel: 'warn', spec: 'iso93ascii' });
    const run = await runCli(['load', '--port', String(sw.port), '--spec', 'iso93ascii', '--count', '40', '--connections', '2', '--mix', 'auth=1,echo=1', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const s = JSON.parse(run.stdout) as { responseCodes: Record<string, number>; answers: number };
    expect(s.answers).toBe(40);
    expect(s.responseCodes['000'] + s.responseCodes['800']).toBe(40);
    expect(s.responseCodes['000']).toBeGreaterThan(0);
    expect(s.responseCodes['800']).toBeGreaterThan(0);
  });

  it('prints a summary table with throughput, percentiles and response codes when --json is absent', async () => {
    const sw = await serve(resources, { logLevel: 'warn' });
    const run = await runCli(['load', '--port', String(sw.port), '--count', '20', '--connections', '2', '--mix', 'auth=1,purchase=1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^load: 20 answers to 20 requests on 2 connections in \d+\.\d\d s\n/);
    expect(run.stdout).toMatch(/throughput +[\d,]+ answers\/s/);
    expect(run.stdout).toMatch(/latency \(ms\) +p50 [\d.]+ +p90 [\d.]+ +p99 [\d.]+ +p99\.9 [\d.]+ +max [\d.]+/);
    expect(run.stdout).toMatch(/response codes 00 20\n/);
  });

  it('sends about rate × duration requests when --rate is set (a check of the limiter, not of speed)', async () => {
    const sw = await serve(resources, { logLevel: 'warn' });
    const run = await runCli(['load', '--port', String(sw.port), '--rate', '200', '--duration', '1s', '--connections', '4', '--json']);
    expect(run.code).toBe(0);
    const s = JSON.parse(run.stdout) as LoadSummary;
    expect(s.sent).toBeGreaterThanOrEqual(120);
    expect(s.sent).toBeLessThanOrEqual(280);
    expect(s.answers).toBe(s.sent);
  });

  it('exits 1 with one line when every connection is refused', async () => {
    const port = await closedPort();
    const run = await runCli(['load', '--port', String(port), '--count', '10', '--connections', '3']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`isotrace: LOAD_NO_ANSWER no request was answered: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it('issue #13: prints the summary with a JSON error on stdout, and the one line, when --json cannot connect', async () => {
    const port = await closedPort();
    const run = await runCli(['load', '--port', String(port), '--count', '10', '--connections', '3', '--json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as LoadSummary & { error: { code: string; message: string } };
    expect(json.error).toEqual({ code: 'LOAD_NO_ANSWER', message: `no request was answered: connect ECONNREFUSED 127.0.0.1:${port}` });
    expect([json.answers, json.errors > 0]).toEqual([0, true]);
    expect(run.stderr).toBe(`isotrace: LOAD_NO_ANSWER no request was answered: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it.each([
    [['--duration', '10 parsecs'], 'isotrace: CLI_BAD_VALUE --duration expects a duration such as 500 (ms), 500ms, 2s, 1.5s, 2m or 1h (got "10 parsecs")'],
    [['--connections', '0'], 'isotrace: CLI_BAD_VALUE --connections expects an integer >= 1 (got "0")'],
    [['--cards', '1234'], 'isotrace: CLI_BAD_VALUE --cards expects card numbers of 12..19 digits separated by commas (item 1 is not)'],
  ])('exits 2 with one line when given %j', async (args, line) => {
    const run = await runCli(['load', '--port', '1', ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${line}\n`);
  });

  it.each([
    [['--mix', 'auth=90,refund=10'], 'isotrace: CLI_BAD_VALUE --mix: unknown kind "refund" (expected auth, purchase, echo)'],
    [['--mix', 'auth'], 'isotrace: CLI_BAD_VALUE --mix: expected kind=weight[,kind=weight...] with kinds auth, purchase, echo (got "auth")'],
    [['--mix', 'auth=0'], 'isotrace: CLI_BAD_VALUE --mix: at least one weight must be above 0'],
    [['--port', '70000'], 'isotrace: CLI_BAD_VALUE --port expects an integer in 1..65535 (got "70000")'],
    [['--connections', '1000000'], 'isotrace: CLI_BAD_VALUE --connections expects an integer in 1..10000 (got "1000000")'],
  ])('issue #13: a bad --mix, --port or --connections is CLI_BAD_VALUE naming the flag, as every other flag, when given %j', async (args, line) => {
    const run = await runCli(['load', '--port', '1', ...args]);
    expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('exits 0 and shows the options when asked for --help', async () => {
    const run = await runCli(['load', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--connections <n>[\s\S]*--rate <n>[\s\S]*--mix <weights>/);
  });
});
