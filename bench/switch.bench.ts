// Switch benchmark: authorizations per second through `isotrace serve` (its real wiring, tracing
// on, info logs, the audit trail in async and in strict mode) beside the bare node:net framed echo
// server, all driven by the same load client in a separate process: 50 terminal connections each
// waiting for its answer, 20 s after a warm-up. Each server's CPU per answer (all its threads,
// /proc/PID/stat) is the figure that travels between machines. BENCH_SWITCH_AB=OLD_BIN runs the
// isotrace launcher OLD_BIN (another build) alternately with this one, BENCH_ROUNDS times (3).

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processCpuUs } from './proc-cpu.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_MS = Number(process.env.BENCH_SWITCH_DURATION_MS ?? 20_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3_000);

interface LoadResult {
  /** CPU µs the server used per answer while measuring. */
  cpuUsPerAnswer: number;
  answers: number;
  approvals: number;
  perSecond: number;
  p50us: number;
  p99us: number;
  p999us: number;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

async function accepting(port: number): Promise<void> {
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

/** Drives the server `pid` listening on `port`; its CPU is read when measuring starts and ends. */
async function load(port: number, pid: number): Promise<LoadResult> {
  const client = fork(new URL('./switch-load-client.js', import.meta.url), [port, CONNECTIONS, DURATION_MS, WARMUP_MS].map(String), { stdio: 'inherit' });
  await once(client, 'message'); // 'measuring'
  const cpu0 = processCpuUs(pid);
  const [result] = (await once(client, 'message')) as [Omit<LoadResult, 'cpuUsPerAnswer'>];
  const cpuUsPerAnswer = (processCpuUs(pid) - cpu0) / result.answers;
  await once(client, 'exit');
  return { ...result, cpuUsPerAnswer };
}

async function echo(): Promise<LoadResult> {
  const server = fork(new URL('./bare-echo-server.js', import.meta.url), { stdio: 'inherit' });
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    return await load(port, server.pid!);
  } finally {
    server.disconnect();
    await once(server, 'exit');
  }
}

/** Runs serve with `extra` flags under the load; logs go to a file read afterwards for the audit stats. */
async function serve(bin: string, extra: string[]): Promise<LoadResult & { recordsPerFsync: number }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-bench-'));
  const logFd = openSync(join(dir, 'serve.log'), 'w');
  const args = [bin, 'serve', '--port', String(port), '--audit-dir', join(dir, 'audit'), ...extra];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', logFd, 'inherit'] });
  try {
    await accepting(port);
    const result = await load(port, child.pid!);
    child.kill('SIGTERM');
    await once(child, 'exit');
    const closed = readFileSync(join(dir, 'serve.log'), 'utf8').split('\n').find((l) => l.includes('"audit.closed"'));
    return { ...result, recordsPerFsync: closed === undefined ? 0 : (JSON.parse(closed) as { recordsPerBatch: number }).recordsPerBatch };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    closeSync(logFd);
    rmSync(dir, { recursive: true, force: true });
  }
}

const line = (name: string, r: LoadResult): string =>
  `  ${name.padEnd(28)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(8)}/s   CPU ${r.cpuUsPerAnswer.toFixed(1).padStart(5)} µs/answer   p50 ${r.p50us.toFixed(0).padStart(5)} µs   p99 ${r.p99us.toFixed(0).padStart(5)} µs   p99.9 ${r.p999us.toFixed(0).padStart(6)} µs`;

const THIS_BIN = new URL('../../bin/isotrace.js', import.meta.url).pathname;

/** Both audit modes of the launcher `bin`, each beside the echo figures `base`. */
async function serveModes(bin: string, label: string, base: LoadResult): Promise<void> {
  for (const mode of ['async', 'strict']) {
    const sw = await serve(bin, ['--audit-mode', mode]);
    console.log(line(`${label}audit ${mode}`, sw));
    const approved = sw.approvals === sw.answers ? 'all approved' : `${sw.answers - sw.approvals} not approved`;
    const target = mode === 'strict' ? '50%' : '60%';
    console.log(`    ratio to echo ${(sw.perSecond / base.perSecond * 100).toFixed(1)}% (target >= ${target}), CPU ${(sw.cpuUsPerAnswer / base.cpuUsPerAnswer).toFixed(2)}x echo's, p99 ${(sw.p99us / 1000).toFixed(2)} ms (target < 5 ms), ${sw.recordsPerFsync.toFixed(1)} records per fsync, ${approved}`);
  }
}

export async function run(): Promise<void> {
  console.log(`switch: 0100s for an approvable card, ${CONNECTIONS} terminals each waiting for its answer, ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`);
  const other = process.env.BENCH_SWITCH_AB;
  const rounds = other === undefined ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`round ${round} of ${rounds}`);
    const base = await echo();
    console.log(line('bare node:net framed echo', base));
    await serveModes(THIS_BIN, other === undefined ? 'serve, ' : 'this build, ', base);
    if (other !== undefined) await serveModes(other, 'other build, ', base);
  }
}
