// Switch benchmark: authorizations per second through `isotrace serve` (its real wiring, tracing
// on, info logs, the audit trail in async and in strict mode) beside the bare node:net framed echo
// server, all driven by the same load client in a separate process: 50 terminal connections each
// waiting for its answer, 20 s after a warm-up. Each server's CPU per answer (all its threads,
// /proc/PID/stat) is the figure that travels between machines. BENCH_SWITCH_AB=OLD_BIN runs the
// isotrace launcher OLD_BIN (another build) alternately with this one, BENCH_ROUNDS times (3).

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONNECTIONS, figures as line, freePort, load, startIsotrace, THIS_BIN, WARMUP_MS, type LoadResult } from './servers.js';

const DURATION_MS = Number(process.env.BENCH_SWITCH_DURATION_MS ?? 20_000);

async function echo(): Promise<LoadResult> {
  const server = fork(new URL('./bare-echo-server.js', import.meta.url), { stdio: 'inherit' });
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    return await load(port, [server.pid!], DURATION_MS);
  } finally {
    server.disconnect();
    await once(server, 'exit');
  }
}

/** Runs serve with `extra` flags under the load; logs go to a file read afterwards for the audit stats. */
async function serve(bin: string, extra: string[]): Promise<LoadResult & { recordsPerFsync: number }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-bench-'));
  const log = join(dir, 'serve.log');
  try {
    const server = await startIsotrace(bin, ['serve', '--port', String(port), '--audit-dir', join(dir, 'audit'), ...extra], log, port);
    let result: LoadResult;
    try {
      result = await load(port, [server.pid], DURATION_MS);
    } finally {
      await server.stop();
    }
    const closed = readFileSync(log, 'utf8').split('\n').find((l) => l.includes('"audit.closed"'));
    return { ...result, recordsPerFsync: closed === undefined ? 0 : (JSON.parse(closed) as { recordsPerBatch: number }).recordsPerBatch };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


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
