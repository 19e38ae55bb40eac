// Transport benchmark: framed echo round trips per second through FrameServer beside a bare
// node:net echo server with the same framing (ascii4), each in its own process, driven by the same
// load client (50 connections each waiting for its answer, 10 s after a 2 s warm-up), in 3
// alternating rounds; prints round trips/s, p50/p99 latency and server CPU per round trip.

import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2_000);
// Bare and ours alternate, so a burst of other load on the machine hits both alike.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BODY_BYTES = 181; // the size of the reference 0100 in iso87ascii

interface LoadResult {
  roundTrips: number;
  seconds: number;
  perSecond: number;
  p50us: number;
  p99us: number;
  /** Server CPU (user + system) per round trip while measuring, µs. */
  serverCpuUs: number;
}

async function measure(serverScript: string): Promise<LoadResult> {
  const server = fork(new URL(serverScript, import.meta.url), { stdio: 'inherit' });
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    const load: ChildProcess = fork(new URL('./transport-load-client.js', import.meta.url), [port, CONNECTIONS, DURATION_MS, WARMUP_MS, BODY_BYTES].map(String), { stdio: 'inherit' });
    const result = await new Promise<LoadResult>((resolve, reject) => {
      load.on('message', (m: { isMeasuring?: boolean } & LoadResult) => {
        if (m.isMeasuring === true) server.send('mark');
        else resolve(m);
      });
      load.once('exit', (code) => reject(new Error(`load client exited (code ${code}) without a result`)));
    });
    server.send('report');
    const [{ cpuUs }] = (await once(server, 'message')) as [{ cpuUs: number }];
    if (load.exitCode === null) await once(load, 'exit');
    return { ...result, serverCpuUs: cpuUs / result.roundTrips };
  } finally {
    server.disconnect();
    await once(server, 'exit');
  }
}

const line = (name: string, r: LoadResult): string =>
  `  ${name.padEnd(22)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(9)} round trips/s   p50 ${r.p50us.toFixed(0).padStart(4)} µs   p99 ${r.p99us.toFixed(0).padStart(5)} µs   server CPU ${r.serverCpuUs.toFixed(2)} µs/round trip`;

export async function run(): Promise<void> {
  console.log(`transport: framed echo (ascii4, ${BODY_BYTES}-byte messages), ${CONNECTIONS} connections each waiting for its answer, ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`);
  const bare: LoadResult[] = [];
  const ours: LoadResult[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    bare.push(await measure('./bare-echo-server.js'));
    console.log(line('bare node:net echo', bare[i]));
    ours.push(await measure('./transport-echo-server.js'));
    console.log(line('isotrace FrameServer', ours[i]));
  }
  const mean = (rs: LoadResult[]): number => rs.reduce((s, r) => s + r.perSecond, 0) / rs.length;
  const ratio = mean(ours) / mean(bare);
  const perRound = ours.map((r, i) => r.perSecond / bare[i].perSecond).sort((a, b) => a - b);
  console.log(`  mean: bare ${Math.round(mean(bare)).toLocaleString('en-US')}, FrameServer ${Math.round(mean(ours)).toLocaleString('en-US')} round trips/s; median per-round ratio ${(perRound[perRound.length >> 1] * 100).toFixed(1)}%`);
  const cpu = (rs: LoadResult[]): number => rs.reduce((s, r) => s + r.serverCpuUs, 0) / rs.length;
  console.log(`  ratio FrameServer / bare: ${(ratio * 100).toFixed(1)}% of round trips/s (target ≥ 90%)${ROUNDS > 1 ? ` over ${ROUNDS} rounds` : ''}; server CPU per round trip ${(cpu(ours) / cpu(bare)).toFixed(2)}× the bare server's`);
}
