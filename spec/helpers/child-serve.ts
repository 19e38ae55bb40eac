// The built CLI's `isotrace serve` (or `issuer`) as a child process (run `npm run build` first; `npm test` does):
// its JSON log lines parsed as they arrive, the port read from server.listening, and the exit
// awaited. Killed with SIGKILL after the test if still running. Test-only.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Resources } from './serve-harness.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The environment without any ISOTRACE_* or OTEL_* setting that could change serve's defaults, plus `extra`. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([k]) => !k.startsWith('ISOTRACE_') && !k.startsWith('OTEL_'));
  return { ...Object.fromEntries(kept), ...extra };
}

export type JsonLine = Record<string, unknown>;

export interface ServeChild {
  child: ChildProcess;
  port: number;
  /** Every JSON line of stdout so far. */
  lines: JsonLine[];
  /** The first line with this `evt` (and for which `where` holds), from line `from` on (default: the first), logged or still to come. */
  next(evt: string, where?: (l: JsonLine) => boolean, from?: number): Promise<JsonLine>;
  stderr(): string;
  /** Resolves with [code, signal] once the process has exited. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** Starts `node bin/isotrace.js serve --port 0 ...args` and resolves once it listens and is ready. */
export function spawnServe(resources: Resources, args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<ServeChild> {
  return spawnHost(resources, 'serve', args, env);
}

/** Starts `node bin/isotrace.js issuer --port 0 ...args` and resolves once it listens and is ready. */
export function spawnIssuer(resources: Resources, args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<ServeChild> {
  return spawnHost(resources, 'issuer', args, env);
}

async function spawnHost(resources: Resources, command: 'serve' | 'issuer', args: string[], env: NodeJS.ProcessEnv): Promise<ServeChild> {
  const child = spawn(process.execPath, ['bin/isotrace.js', command, '--port', '0', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  resources.add(() => (child.exitCode === null && child.signalCode === null ? child.kill('SIGKILL') : undefined));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const lines: JsonLine[] = [];
  let waiters: Array<{ evt: string; where: (l: JsonLine) => boolean; resolve: (l: JsonLine) => void }> = [];
  let rest = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const text of parts) {
      if (text.trim() === '') continue;
      const line = JSON.parse(text) as JsonLine;
      lines.push(line);
      waiters = waiters.filter((w) => (w.evt === line.evt && w.where(line) ? (w.resolve(line), false) : true));
    }
  });
  const next = (evt: string, where: (l: JsonLine) => boolean = () => true, from = 0): Promise<JsonLine> => {
    const seen = lines.slice(from).find((l) => l.evt === evt && where(l));
    return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ evt, where, resolve }));
  };
  const early = exited.then(([code, signal]) => Promise.reject(new Error(`${command} exited (${code ?? signal}) before listening: ${stderr}`)));
  const listening = await Promise.race([next('server.listening'), early]);
  // The port is bound before the audit log opens: ready means signals now drain.
  await Promise.race([next(`${command}.ready`), early]);
  early.catch(() => {});
  return { child, port: Number(listening.port), lines, next, stderr: () => stderr, exited };
}
