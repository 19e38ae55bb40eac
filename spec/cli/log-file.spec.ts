// `--log-file F` for serve and issuer: the log (the main thread's lines and the journal thread's
// txn.done lines) goes to F instead of standard output, and on SIGHUP both open F again, so that
// logrotate can move the file away: no line lost, none written twice (the built CLI as a child).

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import { cleanEnv, ROOT, spawnServe } from '../helpers/child-serve.js';
import { Resources } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields, Terminal } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

type Line = Record<string, unknown>;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-log-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The JSON lines of `file` so far ([] when it does not exist). */
function linesOf(file: string): Line[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line);
}

/**
 * Resolves once `check` holds. A file has no event to await across a rename, so it is read again
 * every 20 ms; the test's own timeout bounds the wait.
 */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await delay(20);
}

/** `count` approved purchases through the host on `port`; their STANs. */
async function purchases(port: number, count: number): Promise<string[]> {
  const codec = builtinCodec('iso87ascii');
  const t = await Terminal.connect(port, codec);
  resources.add(() => t.close());
  const card = cardFor('00');
  const stans: string[] = [];
  for (let i = 0; i < count; i++) {
    const fields = purchaseFields(card.pan, card.expiry, 100);
    stans.push(fields[11]!);
    expect((await t.request(message(codec, '0100', fields))).get(39)).toBe('00');
  }
  t.close();
  return stans;
}

const stansDone = (lines: Line[]): unknown[] => lines.filter((l) => l.evt === 'txn.done').map((l) => l.stan);

describe('--log-file', () => {
  it.each(['serve', 'issuer'])('issue #16: %s logs to the file, and reopens it on SIGHUP after it was moved, losing no line', { timeout: 20_000 }, async (command) => {
    const dir = tempDir();
    const file = join(dir, 'isotrace.log');
    const rotated = `${file}.1`;
    const child = spawn(process.execPath, ['bin/isotrace.js', command, '--port', '0', '--audit-dir', join(dir, 'audit'), '--log-file', file], {
      cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'],
    });
    resources.add(() => (child.exitCode === null && child.signalCode === null ? child.kill('SIGKILL') : undefined));
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    const exited = once(child, 'exit') as Promise<[number | null]>;

    await until(() => linesOf(file).some((l) => l.evt === `${command}.ready`));
    const port = Number(linesOf(file).find((l) => l.evt === 'server.listening')!.port);
    const before = await purchases(port, 3);
    await until(() => stansDone(linesOf(file)).length === 3);

    renameSync(file, rotated); // what logrotate does, then its postrotate: kill -HUP
    child.kill('SIGHUP');
    await until(() => existsSync(file));
    const after = await purchases(port, 3);
    await until(() => stansDone(linesOf(file)).length === 3);
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);

    expect(stansDone(linesOf(rotated))).toEqual(before);
    expect(stansDone(linesOf(file))).toEqual(after);
    expect(linesOf(file).at(-1)?.evt).toBe(`${command}.stopped`);
    expect(linesOf(rotated)[0]).toMatchObject({ evt: 'server.listening' });
    expect(stdout).toBe('');
  });

  it('issue #16: keeps writing to the file it has, with a warning, when the path cannot be opened again', { timeout: 20_000 }, async () => {
    const dir = tempDir();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const file = join(logs, 'isotrace.log');
    const moved = join(dir, 'isotrace.log.1');
    const child = spawn(process.execPath, ['bin/isotrace.js', 'serve', '--port', '0', '--audit-dir', join(dir, 'audit'), '--log-file', file], {
      cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'],
    });
    resources.add(() => (child.exitCode === null && child.signalCode === null ? child.kill('SIGKILL') : undefined));
    const exited = once(child, 'exit') as Promise<[number | null]>;
    await until(() => linesOf(file).some((l) => l.evt === 'serve.ready'));
    const port = Number(linesOf(file).find((l) => l.evt === 'server.listening')!.port);

    renameSync(file, moved);
    rmdirSync(logs); // the path's directory is gone: nothing can be opened there
    child.kill('SIGHUP');
    // The main thread and the journal thread each say so, in the file they still write.
    await until(() => linesOf(moved).filter((l) => l.evt === 'log.reopen_failed').length === 2);
    const stans = await purchases(port, 2);
    await until(() => stansDone(linesOf(moved)).length === 2);
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
    expect(stansDone(linesOf(moved))).toEqual(stans);
    expect(linesOf(moved).filter((l) => l.evt === 'log.reopen_failed')).toEqual([
      expect.objectContaining({ level: 40, file, err: { code: 'ENOENT' } }), expect.objectContaining({ level: 40, file, err: { code: 'ENOENT' } }),
    ]);
    expect(existsSync(logs)).toBe(false);
  });

  it('issue #16: logs to standard output without it, and goes on answering after a SIGHUP', async () => {
    const s = await spawnServe(resources, ['--audit-dir', join(tempDir(), 'audit')]);
    s.child.kill('SIGHUP'); // with no handler, Node.js would end on it (exit by signal, no drain)
    await purchases(s.port, 1);
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual([0, null]);
    expect(s.lines.filter((l) => l.evt === 'txn.done')).toHaveLength(1);
    expect(s.lines.at(-1)?.evt).toBe('serve.stopped');
  });

  it('issue #16: refuses a log file it cannot open, in one line, exit 2', async () => {
    const child = spawn(process.execPath, ['bin/isotrace.js', 'serve', '--port', '0', '--log-file', '/nonexistent-dir/isotrace.log'], {
      cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toBe('isotrace: CONFIG_INVALID logFile: cannot open /nonexistent-dir/isotrace.log for append (ENOENT)\n');
  });
});
