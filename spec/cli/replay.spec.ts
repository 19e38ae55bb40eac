// `isotrace replay` against the real switch (serve's wiring, port 0, issuer timeout 300 ms):
// every fixture scenario passes, a wrong expectation fails with a masked diff, JUnit and .hex work.

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPan } from '../../src/codec/index.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';

const SCENARIOS = join(FIXTURES_DIR, 'scenarios');
const resources = new Resources();
let served: Served;
let dir: string;

beforeAll(async () => {
  served = await serve(resources, { issuerTimeoutMs: 300 });
  dir = mkdtempSync(join(tmpdir(), 'isotrace-replay-'));
});

afterAll(async () => {
  await resources.run();
});

const replay = (...args: string[]) => runCli(['replay', '--port', String(served.port), ...args]);

/** A scenario file in the temporary folder; returns its path. */
function scenarioFile(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

function approval(pan: string, expect: Record<string, string>): unknown {
  const fields = { 2: pan, 3: '000000', 4: '000000000100', 7: '${now:MMDDhhmmss}', 11: '${stan}', 41: 'TERM0002', 49: '840' };
  return { name: 'wrong on purpose', steps: [{ name: 'approval expected as a decline', send: { mti: '0100', fields }, expect: { mti: '0110', fields: expect } }] };
}

describe('isotrace replay', () => {
  it('passes every step of fixtures/scenarios when replayed against the switch', async () => {
    const run = await replay(SCENARIOS);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('✗');
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(run.code).toBe(0);
  });

  it('exits 1 with a masked diff and no clear PAN when an expectation is wrong', async () => {
    const pan = cardFor('00').pan;
    const path = scenarioFile('wrong.json', approval(pan, { 39: '51', 2: '*A', 4: '000000000999' }));
    const run = await replay(path);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ approval expected as a decline');
    expect(run.stdout).toContain('DE 39: expected 51, got 00');
    expect(run.stdout).toContain(`DE 2: expected absent, got ${maskPan(pan)}`);
    expect(run.stdout).toContain('DE 4: expected 000000000999, got 000000000100');
    expect(run.stdout).toContain('0 passed, 1 failed');
    expect(run.stdout + run.stderr).not.toContain(pan);
    const json = await replay(path, '--json');
    expect(json.code).toBe(1);
    expect(json.stdout).not.toContain(pan);
    expect(JSON.parse(json.stdout)).toMatchObject({ passed: 0, failed: 1 });
  });

  it('writes JUnit XML with a testsuite per scenario and the right counts when given --junit', async () => {
    const out = join(dir, 'replay.xml');
    const run = await replay(SCENARIOS, '--junit', out);
    expect(run.code).toBe(0);
    const xml = readFileSync(out, 'utf8');
    const files = readdirSync(SCENARIOS).filter((n) => n.endsWith('.json') || n.endsWith('.hex'));
    const steps = Number(/(\d+) passed, 0 failed/.exec(run.stdout)![1]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml).toContain(`tests="${steps}" failures="0"`);
    expect(xml.match(/<testsuite /g)).toHaveLength(files.length);
    expect(xml.match(/<\/testsuite>/g)).toHaveLength(files.length);
    expect(xml.match(/<testcase /g)).toHaveLength(steps);
    expect(xml).not.toContain('<failure');
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });

  it('reports the failure text in JUnit when a step fails', async () => {
    const out = join(dir, 'failed.xml');
    const path = scenarioFile('wrong-junit.json', approval(cardFor('00').pan, { 39: '05' }));
    expect((await replay(path, '--junit', out)).code).toBe(1);
    const xml = readFileSync(out, 'utf8');
    expect(xml).toContain('tests="1" failures="1"');
    expect(xml).toContain('<failure message="DE 39: expected 05, got 00" type="mismatch">');
  });

  it('replays a .hex capture and prints each answer when given one', async () => {
    const path = join(SCENARIOS, 'captured-network.hex');
    const run = await replay(path);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ line 1  (0810 RC 00)');
    expect(run.stdout).toMatch(/^ {6}0810 7=\d{10} 11=\d{6} 39=00 70=301$/m);
    expect(run.stdout).toContain('2 passed, 0 failed');
  });

  it('exits 2 with one line naming the file when a scenario is invalid', async () => {
    const path = scenarioFile('bad.json', { name: 'bad', steps: [{ name: 's', send: { mti: '0100', fields: { 11: '${nope}' } } }] });
    const run = await replay(path);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`${path}: steps[0].send.fields.11: \${nope} is neither a generator nor captured by an earlier step`);
  });

  it('exits 2 when the file is not JSON or the port is not a number', async () => {
    const path = scenarioFile('broken.json', '{ not json');
    expect((await replay(path)).stderr).toMatch(/broken\.json: not valid JSON/);
    expect((await runCli(['replay', '--port', 'x', path])).code).toBe(2);
  });

  it('fails every step when nothing listens on the port', async () => {
    const closed = await serve(resources);
    const port = closed.port;
    await closed.stop();
    const run = await runCli(['replay', '--port', String(port), join(SCENARIOS, 'network.json')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('connection: expected open, got LINK_CONNECT_FAILED');
  });
});
