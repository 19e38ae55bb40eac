// Shared pieces of the benchmarks that drive real server processes: free ports, waiting for a
// listener, and one load window over a server whose CPU (all its threads, /proc) is read when
// measuring starts and ends, for each process named.

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { processCpuUs } from './proc-cpu.js';

export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
export const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3_000);

export interface LoadResult {
  /** CPU µs the first process named used per answer while measuring. */
  cpuUsPerAnswer: number;
  /** The same for every process named, in order. */
  cpuUsPerAnswerEach: number[];
  answers: number;
  approvals: number;
  perSecond: number;
  p50us: number;
  p99us: number;
  p999us: number;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

export async function accepting(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port }, () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/**
 * Drives the server on `port` for `durationMs` with the switch load client; CPU of each of `pids`
 * (by `cpuOf`: the process's own threads, or with processTreeCpuUs its children's too).
 */
export async function load(port: number, pids: readonly number[], durationMs: number, cpuOf: (pid: number) => number = processCpuUs): Promise<LoadResult> {
  const client = fork(new URL('./switch-load-client.js', import.meta.url), [port, CONNECTIONS, durationMs, WARMUP_MS].map(String), { stdio: 'inherit' });
  await once(client, 'message'); // 'measuring'
  const cpu0 = pids.map(cpuOf);
  const [result] = (await once(client, 'message')) as [Omit<LoadResult, 'cpuUsPerAnswer' | 'cpuUsPerAnswerEach'>];
  const cpuUsPerAnswerEach = pids.map((pid, i) => (cpuOf(pid) - cpu0[i]) / result.answers);
  await once(client, 'exit');
  return { ...result, cpuUsPerAnswer: cpuUsPerAnswerEach[0], cpuUsPerAnswerEach };
}

/** One line of figures: answers/s, CPU per answer, latency percentiles. */
export const figures = (name: string, r: LoadResult): string =>
  `  ${name.padEnd(28)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(8)}/s   CPU ${r.cpuUsPerAnswer.toFixed(1).padStart(5)} µs/answer   p50 ${r.p50us.toFixed(0).padStart(5)} µs   p99 ${r.p99us.toFixed(0).padStart(5)} µs   p99.9 ${r.p999us.toFixed(0).padStart(6)} µs`;

/** The isotrace launcher of this build. */
export const THIS_BIN = new URL('../../bin/isotrace.js', import.meta.url).pathname;

export interface RunningProcess {
  readonly pid: number;
  /** SIGTERM, and the exit awaited; SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `node bin ...args`, its standard output into the file `logPath`, and waits until `port` accepts. */
export async function startIsotrace(bin: string, args: readonly string[], logPath: string, port: number): Promise<RunningProcess> {
  const logFd = openSync(logPath, 'w');
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', logFd, 'inherit'] });
  const exited = once(child, 'exit');
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    closeSync(logFd);
  };
  try {
    await accepting(port);
  } catch (err) {
    await stop(0);
    throw err;
  }
  return { pid: child.pid!, stop };
}
