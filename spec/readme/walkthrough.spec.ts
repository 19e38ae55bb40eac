// The README's walkthrough, run as written against a real switch: every `npx isotrace ...` line
// of its code block, with the port and directories pointed at this test's switch.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

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
    expect(lines.slice(1).every((l) => l.startsWith('npx isotrace '))).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(7);
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
