// `isotrace serve` as a person runs it: the built CLI as a child process (JSON log lines on stdout,
// one transaction, SIGTERM drains and exits 0), and bad configuration exiting 2 with one line.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { serveConfig } from '../../src/cli/serve-config.js';
import { builtinCodec } from '../../src/codec/index.js';
import { runCli } from '../helpers/cli.js';
import { Resources } from '../helpers/serve-harness.js';
import { CARDS_PATH, cardFor } from '../helpers/test-cards.js';
import { Terminal, message, purchaseFields } from '../helpers/terminal.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const resources = new Resources();
afterEach(() => resources.run());

/** The environment without any ISOTRACE_* or OTEL_* setting that could change the defaults. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ISOTRACE_') && !k.startsWith('OTEL_')));
}

/** JSON log lines of a child's stdout, parsed as they arrive; resolves the first line matching `evt`. */
function logLines(child: ChildProcess): { lines: Array<Record<string, unknown>>; next(evt: string): Promise<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  let waiters: Array<{ evt: string; resolve: (l: Record<string, unknown>) => void }> = [];
  let rest = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const text of parts.filter((p) => p.trim() !== '')) {
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      waiters = waiters.filter((w) => (w.evt === line.evt ? (w.resolve(line), false) : true));
    }
  });
  return {
    lines,
    next: (evt) => {
      const seen = lines.find((l) => l.evt === evt);
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ evt, resolve }));
    },
  };
}

describe('isotrace serve as a child process', () => {
  it('logs server.listening, answers a 0100 with 0110, and exits 0 with serve.stopped on SIGTERM', async () => {
    const auditDir = mkdtempSync(join(tmpdir(), 'isotrace-audit-'));
    const child = spawn(process.execPath, ['bin/isotrace.js', 'serve', '--port', '0', '--audit-dir', auditDir], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    resources.add(() => (child.exitCode === null ? child.kill('SIGKILL') : undefined));
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const log = logLines(child);
    const listening = await Promise.race([log.next('server.listening'), exited.then(() => Promise.reject(new Error(`serve exited early: ${stderr}`)))]);
    expect(listening).toMatchObject({ host: '127.0.0.1', framing: 'ascii4', header: 'none' });

    const codec = builtinCodec('iso87ascii');
    const t = await Terminal.connect(Number(listening.port), codec);
    resources.add(() => t.close());
    const card = cardFor('00');
    const res = await t.request(message(codec, '0100', purchaseFields(card.pan, card.expiry, 100)));
    expect([res.mti, res.get(39)]).toEqual(['0110', '00']);
    t.close();

    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(log.lines.map((l) => l.evt)).toEqual(expect.arrayContaining(['serve.ready', 'txn.done', 'server.signal', 'server.closed', 'serve.stopped']));
    expect(log.lines.at(-1)?.evt).toBe('serve.stopped');
  });
});

function tempJson(name: string, value: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-cfg-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('isotrace serve with bad configuration', () => {
  it.each([
    ['--port abc', () => ['--port', 'abc'], /port \(from --port\): expected an integer in 0\.\.65535, got "abc"/],
    ['--port 70000', () => ['--port', '70000'], /port \(from --port\): expected an integer in 0\.\.65535/],
    ['--framing nope', () => ['--framing', 'nope'], /framing \(from --framing\): expected one of ascii4, binary2, .*vmlh, got "nope"/],
    ['--log-level loud', () => ['--log-level', 'loud'], /logLevel \(from --log-level\): expected one of trace, debug, info, warn, error, silent/],
    ['--issuer-timeout-ms 0', () => ['--issuer-timeout-ms', '0'], /issuerTimeoutMs \(from --issuer-timeout-ms\): expected a duration in 1\.\.600000 ms/],
    ['an unknown key in --config', () => ['--config', tempJson('config.json', { port: 0, prot: 1 })], /prot: unknown option \(known: host, port, /],
    ['a --config file that is not JSON', () => ['--config', join(ROOT, 'README.md')], /config .*README\.md: cannot read a JSON object/],
    ['a routes file naming an unknown issuer', () => ['--port', '0', '--cards', CARDS_PATH, '--routes', tempJson('routes.json', { routes: [{ bin: '411111', issuer: 'tcp://127.0.0.1:9' }] })],
      /issuer "tcp:\/\/127\.0\.0\.1:9" is not available \(available: stub\)/],
    ['a routes file with overlapping ranges', () => ['--port', '0', '--cards', CARDS_PATH, '--routes', tempJson('routes.json', { routes: [{ range: ['400000', '499999'], issuer: 'stub' }, { range: ['411111', '411112'], issuer: 'stub' }] })],
      /ranges 400000-499999 and 411111-411112 of 6 digits overlap/],
    ['an unknown --spec', () => ['--port', '0', '--spec', 'iso99'], /SPEC_NOT_FOUND .*iso99.*not a built-in spec \(.*iso87ascii.*\)/],
  ] as const)('exits 2 with one line naming the option and what is allowed for %s', async (_what, args, pattern) => {
    const r = await runCli(['serve', ...args()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^isotrace: (CONFIG_INVALID|SPEC_NOT_FOUND) /);
    expect(lines[0]).toMatch(pattern);
  });
});

describe('serve defaults', () => {
  it('finds its default cards and routes files when run from the sources, as in-process tests do', () => {
    const cfg = serveConfig({}, {});
    expect({ cards: existsSync(cfg.cards), routes: existsSync(cfg.routes) }).toEqual({ cards: true, routes: true });
  });
});
