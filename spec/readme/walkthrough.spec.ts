// The README's walkthrough, run as written against a real switch: every `node bin/isotrace.js ...`
// line of its code block, with the port and directories pointed at this test's switch.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const { version: VERSION } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
/** How the walkthrough runs the CLI. */
const LAUNCHER = 'node bin/isotrace.js';

/** The command lines of the walkthrough's code block, comments dropped. */
function walkthrough(): string[] {
  const section = README.slice(README.indexOf('## Walkthrough'), README.indexOf('## Commands'));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  return block.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter((l) => l !== '');
}

/** Where each command must look for this test's switch and files. */
function pointed(argv: string[], s: Served, stateDir: string): string[] {
  const [command, sub] = argv;
  if (command === 'audit') return [...argv, '--dir', s.auditDir];
  if (command === 'terminal') return [...argv, '--port', String(s.port), '--audit-dir', s.auditDir, '--state-dir', stateDir];
  if (command === 'replay' || command === 'load') return [...argv, '--port', String(s.port)];
  throw new Error(`the walkthrough runs a command this test does not know: ${command} ${sub ?? ''}`);
}

describe('README walkthrough', () => {
  const resources = new Resources();
  afterAll(() => resources.run());

  it('starts with npm start and then uses only isotrace commands', () => {
    const lines = walkthrough();
    expect(lines[0]).toBe('npm start');
    expect(lines.slice(1).every((l) => l.startsWith(`${LAUNCHER} `))).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(7);
  });

  it('issue #13: invokes the CLI in a way that works in a fresh clone, without a linked bin', () => {
    // `npx isotrace` needs the package's bin linked (npm link); `node bin/isotrace.js` does not.
    const [node, script] = LAUNCHER.split(' ');
    const run = spawnSync(node === 'node' ? process.execPath : node, [script, '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout.trim() }).toEqual({ status: 0, stdout: VERSION });
    expect(README).not.toMatch(/npx isotrace/);
  });

  it('runs every command against a real switch, each exiting 0', async () => {
    const s = await serve(resources, { logLevel: 'warn', issuerTimeoutMs: '300' });
    const stateDir = mkdtempSync(join(tmpdir(), 'isotrace-walk-'));
    let traceId = '';
    for (const line of walkthrough().slice(1)) {
      const argv = line.split(/\s+/).slice(2).map((a) => (a === 'TRACE_ID' ? traceId : a));
      const r = await runCli(pointed(argv, s, stateDir));
      expect({ line, code: r.code, stderr: r.stderr }).toEqual({ line, code: 0, stderr: expect.any(String) });
      const found = /trace_id\s+([0-9a-f]{32})/.exec(r.stdout);
      if (argv[0] === 'terminal') {
        expect(r.stdout).toContain('RC 00 approved');
        traceId = found![1];
      }
      if (argv[0] === 'audit' && argv[1] === 'show') expect(r.stdout).toContain(traceId);
      if (argv[0] === 'audit' && argv[1] === 'verify') expect(r.stdout).toMatch(/chain intact/);
    }
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  }, 60_000);
});
