import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAudit } from '../../src/audit/index.js';
import { runCli } from '../helpers/cli.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { cardFor, testCards } from '../helpers/test-cards.js';

const resources = new Resources();
afterEach(() => resources.run());

let stateDir = '';
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'isotrace-terminal-'));
  resources.add(() => rmSync(stateDir, { recursive: true, force: true }));
});

/** `isotrace terminal <action>` against `served` with this test's state and audit directories. */
function terminal(served: Served, action: string, ...more: string[]): ReturnType<typeof runCli> {
  return runCli(['terminal', action, '--port', String(served.port), '--state-dir', stateDir, '--audit-dir', served.auditDir, ...more]);
}

async function json(served: Served, action: string, ...more: string[]): Promise<Record<string, any>> {
  const run = await terminal(served, action, '--json', ...more);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Record<string, any>;
}

/** The audit record's reason for the transaction `out` (a --json result) reports. */
async function auditReason(served: Served, out: Record<string, any>): Promise<string | undefined> {
  for await (const { record } of readAudit(served.auditDir)) if (record.trace_id === out.trace_id) return (record as Record<string, any>).outcome.reason;
  return undefined;
}

/** A TCP server that accepts and never answers; closed after the test. */
async function silentServer(): Promise<number> {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => sockets.push(s));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  resources.add(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('isotrace terminal', () => {
  it('prints masked dumps, RC 00, the round trip and the trace_id when an auth is approved', async () => {
    const served = await serve(resources);
    const run = await terminal(served, 'auth');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('MTI 0100');
    expect(run.stdout).toContain('MTI 0110');
    expect(run.stdout).toMatch(/^RC 00 approved$/m);
    expect(run.stdout).toMatch(/^round trip \d+\.\d ms$/m);
    expect(run.stdout).toMatch(/^trace_id [0-9a-f]{32}$/m);
    expect(run.stdout).not.toContain(cardFor('00').pan);
  });

  it('answers 0210 and counts STANs per terminal when purchases follow each other', async () => {
    const served = await serve(resources);
    const first = await json(served, 'purchase');
    const second = await json(served, 'purchase');
    const other = await json(served, 'purchase', '--terminal', 'TERM0002');
    expect([first.response.mti, first.rc, first.meaning]).toEqual(['0210', '00', 'approved']);
    expect([first.request.fields['11'], second.request.fields['11'], other.request.fields['11']]).toEqual(['000001', '000002', '000001']);
    expect(first.request.fields['4']).toBe('000000001250');
  });

  it('reverses the last transaction with DE 90 and gets RC 00 in a 0410 when no STAN is given', async () => {
    const served = await serve(resources);
    const auth = await json(served, 'auth', '--amount', '7.25');
    const reversal = await json(served, 'reverse');
    expect(reversal.request.mti).toBe('0400');
    expect(reversal.request.fields['11']).toBe(auth.request.fields['11']);
    expect(reversal.request.fields['4']).toBe('000000000725');
    expect(reversal.request.fields['90']).toBe(`0100${auth.request.fields['11']}${auth.request.fields['7']}00000123456${'0'.repeat(11)}`);
    expect([reversal.response.mti, reversal.rc]).toEqual(['0410', '00']);
  });

  it("issue #13: reverses the first of three auths by --stan with its DE 4 and DE 90 and releases the card's hold", async () => {
    const served = await serve(resources);
    const card = cardFor('51');
    const auths = [];
    for (const amount of ['2.00', '2.00', '1.00']) auths.push(await json(served, 'auth', '--pan', card.pan, '--amount', amount));
    expect(auths.map((a) => a.rc)).toEqual(['00', '00', '00']);
    expect((await json(served, 'auth', '--pan', card.pan, '--amount', '2.00')).rc).toBe('51');
    const first = auths[0].request.fields;
    const reversal = await json(served, 'reverse', '--pan', card.pan, '--stan', first['11']);
    expect(reversal.request.fields['4']).toBe('000000000200');
    expect(reversal.request.fields['11']).toBe(first['11']);
    expect(reversal.request.fields['37']).toBe(auths[0].response.fields['37']);
    expect(reversal.request.fields['90']).toBe(`0100${first['11']}${first['7']}00000123456${'0'.repeat(11)}`);
    expect([reversal.response.mti, reversal.rc]).toEqual(['0410', '00']);
    // The USD 2.00 held by the first auth is available again, and no more.
    expect((await json(served, 'auth', '--pan', card.pan, '--amount', '2.00')).rc).toBe('00');
    expect((await json(served, 'auth', '--pan', card.pan, '--amount', '0.01')).rc).toBe('51');
    const state = readFileSync(join(stateDir, 'TERM0001.json'), 'utf8');
    expect(state).not.toContain(card.pan);
    expect(state).toContain(`"rrn":"${auths[2].response.fields['37']}"`);
  });

  it('issue #13: exits 2 with one line naming the STAN when --stan is not in the history of the terminal', async () => {
    const served = await serve(resources);
    await json(served, 'auth');
    const run = await terminal(served, 'reverse', '--stan', '999999');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([`isotrace: CLI_BAD_USAGE --stan 999999: no auth or purchase with this STAN among the last 50 of terminal TERM0001 in ${stateDir}`]);
  });

  it("issue #13: sends a test card's own expiry and is approved when --pan names the load-test card", async () => {
    const served = await serve(resources);
    const card = testCards().find((c) => c.why.includes('load-test'))!;
    expect(card.expiry).not.toBe(cardFor('00').expiry);
    const out = await json(served, 'auth', '--pan', card.pan);
    // DE 14 is masked in the output: the approval shows the card's own date went out.
    expect([out.request.fields['14'], out.rc]).toEqual(['***', '00']);
  });

  it.each([
    ['a card past its expiry', cardFor('54'), [], 'expired card'],
    ['another expiry than the card\'s', testCards().find((c) => c.why.includes('load-test'))!, ['--expiry', '2812'], 'expiry date mismatch'],
  ])('issue #13: is declined 54 with the audit reason of %s', async (_what, card, more, reason) => {
    const served = await serve(resources);
    const out = await json(served, 'auth', '--pan', card.pan, ...more);
    expect(out.rc).toBe('54');
    expect(await auditReason(served, out)).toBe(reason);
  });

  it('issue #13: shows RC 91, not a terminal timeout, for the issuer-timeout card with the defaults of both', async () => {
    const served = await serve(resources);
    const out = await json(served, 'auth', '--pan', cardFor('91').pan);
    expect([out.response.mti, out.rc]).toEqual(['0110', '91']);
  });

  it('issue #13: shows RC 91 when the issuer timeout sits inside --timeout', async () => {
    const served = await serve(resources, { issuerTimeoutMs: 200 });
    const out = await json(served, 'auth', '--pan', cardFor('91').pan, '--timeout', '1000');
    expect(out.rc).toBe('91');
  });

  it.each([
    ['iso87pos', 'binary2'],
    ['iso87binary', 'binary2'],
  ])('is approved over spec %s and framing %s when the switch speaks them', async (spec, framing) => {
    const served = await serve(resources, { spec, framing });
    const out = await json(served, 'purchase', '--spec', spec, '--framing', framing);
    expect([out.response.mti, out.rc]).toEqual(['0210', '00']);
  });

  it('exits 2 with one line when there is nothing to reverse', async () => {
    const served = await serve(resources);
    const run = await terminal(served, 'reverse');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([`isotrace: CLI_BAD_USAGE nothing to reverse: terminal TERM0001 has no earlier auth or purchase in ${stateDir}`]);
  });

  it.each([
    ['echo', '301'],
    ['signon', '001'],
  ])('answers an 0810 with RC 00 when sending %s', async (action, code) => {
    const served = await serve(resources);
    const out = await json(served, action);
    expect([out.response.mti, out.response.fields['70'], out.rc]).toEqual(['0810', code, '00']);
  });

  it('exits 0 and shows the decline when the card is declined', async () => {
    const served = await serve(resources);
    const card = cardFor('51');
    const run = await terminal(served, 'auth', '--pan', card.pan, '--expiry', card.expiry!);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^RC 51 insufficient funds$/m);
    expect(run.stdout).not.toContain(card.pan);
  });

  it("prints one JSON object whose trace_id is the audit record's when --json is given", async () => {
    const served = await serve(resources);
    const out = await json(served, 'auth');
    const records = [];
    for await (const { record } of readAudit(served.auditDir)) records.push(record as Record<string, any>);
    const record = records.find((r) => r.request.stan === out.request.fields['11'] && r.request.mti === '0100');
    expect(out.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(out.trace_id).toBe(record?.trace_id);
    expect(typeof out.rtt_ms).toBe('number');
    expect(out.request.fields['2']).not.toBe(cardFor('00').pan);
  });

  it('leaves the trace_id out silently when the audit directory is missing', async () => {
    const served = await serve(resources);
    const out = await json(served, 'echo', '--audit-dir', join(stateDir, 'no-such-dir'));
    expect([out.rc, out.trace_id]).toEqual(['00', null]);
  });

  it('exits 1 with one line when nothing listens on the port', async () => {
    const port = await closedPort();
    const run = await runCli(['terminal', 'auth', '--port', String(port), '--state-dir', stateDir, '--timeout', '2000']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^isotrace: LINK_CONNECT_FAILED .*\(127\.0\.0\.1:\d+: ECONNREFUSED\)$/m);
  });

  it('keeps the unanswered auth as the last transaction, for reverse, when the link breaks', async () => {
    const port = await closedPort();
    expect((await runCli(['terminal', 'auth', '--port', String(port), '--state-dir', stateDir])).code).toBe(1);
    const served = await serve(resources);
    const reversal = await json(served, 'reverse');
    expect(reversal.request.fields['11']).toBe('000001');
    expect(reversal.request.fields['90']).toMatch(/^0100000001\d{10}00000123456/);
    expect([reversal.response.mti, reversal.rc]).toEqual(['0410', '25']);
  });

  it('exits 1 with one line when the answer does not come within --timeout', async () => {
    const port = await silentServer();
    const run = await runCli(['terminal', 'echo', '--port', String(port), '--state-dir', stateDir, '--timeout', '200']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('REQUEST_TIMEOUT');
  });

  it.each([
    [['--stan', '12'], 'isotrace: CLI_BAD_VALUE --stan expects 6 digits (got "12")'],
    [['--port', 'x'], 'isotrace: CLI_BAD_VALUE --port expects a port number 1..65535 (got "x")'],
    [['--timeout', '48h'], 'isotrace: CLI_BAD_VALUE --timeout expects a duration from 1 to 86400000 ms (got "48h")'],
    [['--terminal', '../etc'], 'isotrace: CLI_BAD_VALUE --terminal expects 1..8 letters or digits (got "../etc")'],
  ])('exits 2 with one line when given %j', async (flags, line) => {
    const run = await runCli(['terminal', 'auth', '--state-dir', stateDir, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([line]);
  });

  it.each([
    [['--amount', 'abc'], 'isotrace: CLI_BAD_VALUE --amount: expected a decimal amount such as 12.50 (got "abc")'],
    [['--amount', '12.505'], 'isotrace: CLI_BAD_VALUE --amount: currency 840 has 2 decimal(s) (got "12.505")'],
    [['--amount', '1.5', '--currency', '392'], 'isotrace: CLI_BAD_VALUE --amount: currency 392 has 0 decimal(s) (got "1.5")'],
  ])('issue #13: a bad --amount is CLI_BAD_VALUE naming the flag, as every other flag, when given %j', async (flags, line) => {
    const run = await runCli(['terminal', 'auth', '--state-dir', stateDir, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([line]);
  });

  it.each(['echo', 'signon'])('issue #13: %s lists no card or amount options, and refuses them', async (action) => {
    const help = await runCli(['terminal', action, '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--pan', '--expiry', '--amount', '--currency', '--merchant', '--acquirer']) expect(help.stdout).not.toContain(flag);
    expect(help.stdout).toContain('--terminal');
    const run = await runCli(['terminal', action, '--pan', cardFor('00').pan, '--state-dir', stateDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^isotrace: CLI_UNKNOWN_OPTION unknown option '--pan'/);
  });

  it('issue #13: auth and purchase still list the card and amount options', async () => {
    for (const action of ['auth', 'purchase']) {
      const help = await runCli(['terminal', action, '--help']);
      for (const flag of ['--pan', '--expiry', '--amount', '--currency']) expect(help.stdout).toContain(flag);
    }
  });

  it('exits 0 with usage when asked for --help', async () => {
    const run = await runCli(['terminal', 'auth', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--amount <decimal>');
  });
});
