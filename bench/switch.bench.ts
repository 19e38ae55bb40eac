// Switch benchmark: authorizations per second through `isotrace serve` (its real wiring, tracing
// on, info logs) beside the bare node:net framed echo server, both driven by the same load client
// in a separate process: 50 terminal connections each waiting for its answer, 20 s after a warm-up.

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_MS = Number(process.env.BENCH_SWITCH_DURATION_MS ?? 20_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3_000);

interface LoadResult {
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

async function load(port: number): Promise<LoadResult> {
  const client = fork(new URL('./switch-load-client.js', import.meta.url), [port, CONNECTIONS, DURATION_MS, WARMUP_MS].map(String), { stdio: 'inherit' });
  const [result] = (await once(client, 'message')) as [LoadResult];
  await once(client, 'exit');
  return result;
}

async function echo(): Promise<LoadResult> {
  const server = fork(new URL('./bare-echo-server.js', import.meta.url), { stdio: 'inherit' });
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    return await load(port);
  } finally {
    server.disconnect();
    await once(server, 'exit');
  }
}

async function serve(extra: string[]): Promise<LoadResult> {
  const port = await freePort();
  const bin = new URL('../../bin/isotrace.js', import.meta.url).pathname;
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--port', String(port), ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await accepting(port);
    return await load(port);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

const line = (name: string, r: LoadResult): string =>
  `  ${name.padEnd(28)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(8)}/s   p50 ${r.p50us.toFixed(0).padStart(5)} µs   p99 ${r.p99us.toFixed(0).padStart(5)} µs   p99.9 ${r.p999us.toFixed(0).padStart(6)} µs`;

export async function run(): Promise<void> {
  console.log(`switch: 0100s for an approvable card, ${CONNECTIONS} terminals each waiting for its answer, ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`);
  const base = await echo();
  console.log(line('bare node:net framed echo', base));
  const sw = await serve([]);
  console.log(line('isotrace serve (tracing, info)', sw));
  const approved = sw.approvals === sw.answers ? 'all approved' : `${sw.answers - sw.approvals} not approved`;
  console.log(`  ratio to echo ${(sw.perSecond / base.perSecond * 100).toFixed(1)}% (target >= 60%), p99 ${(sw.p99us / 1000).toFixed(2)} ms (target < 5 ms), ${approved}`);
}
