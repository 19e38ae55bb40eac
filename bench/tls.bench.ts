// TLS benchmark: `isotrace load` (the command, in its own process) against `isotrace serve` over
// plain TCP and over TLS (test certificates, mutual TLS required), alternately, BENCH_ROUNDS times
// (2). Reports answers per second, p99 and serve's CPU per answer (all its threads, /proc) for
// each, and TLS's cost against TCP. Each measured run follows a warm-up run on fresh connections.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { processCpuUs } from './proc-cpu.js';
import { CONNECTIONS, freePort, startIsotrace, THIS_BIN, WARMUP_MS } from './servers.js';
import { makeTestCerts, type TestCerts } from './test-certs.js';

const DURATION_MS = Number(process.env.BENCH_TLS_DURATION_MS ?? 15_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const run$ = promisify(execFile);

interface Figures {
  perSecond: number;
  p99Ms: number;
  cpuUsPerAnswer: number;
  answers: number;
  errors: number;
}

/** `isotrace load` for `ms` with `extra` flags; its --json summary. */
async function loadFor(port: number, ms: number, extra: readonly string[]): Promise<{ answers: number; throughput: number; errors: number; latencyMs: { p99: number } }> {
  const { stdout } = await run$(process.execPath, [THIS_BIN, 'load', '--port', String(port), '--connections', String(CONNECTIONS), '--duration', `${ms}ms`, '--json', ...extra], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

/** serve with `serveFlags` under load with `loadFlags`: a warm-up run, then the measured one. */
async function measure(dir: string, name: string, serveFlags: readonly string[], loadFlags: readonly string[]): Promise<Figures> {
  const port = await freePort();
  const serve = await startIsotrace(THIS_BIN, ['serve', '--port', String(port), '--audit-dir', join(dir, `${name}-audit`), '--audit-mode', 'async', ...serveFlags], join(dir, `${name}.log`), port);
  try {
    await loadFor(port, WARMUP_MS, loadFlags);
    const cpu0 = processCpuUs(serve.pid);
    const s = await loadFor(port, DURATION_MS, loadFlags);
    return { perSecond: s.throughput, p99Ms: s.latencyMs.p99, cpuUsPerAnswer: (processCpuUs(serve.pid) - cpu0) / s.answers, answers: s.answers, errors: s.errors };
  } finally {
    await serve.stop();
  }
}

const line = (name: string, f: Figures): string =>
  `  ${name.padEnd(30)} ${Math.round(f.perSecond).toLocaleString('en-US').padStart(8)} answers/s   serve CPU ${f.cpuUsPerAnswer.toFixed(1).padStart(5)} µs/answer   p99 ${f.p99Ms.toFixed(2)} ms   errors ${f.errors}`;

export async function run(): Promise<void> {
  console.log(`tls: isotrace load (${CONNECTIONS} connections, ${DURATION_MS / 1000} s after a ${WARMUP_MS / 1000} s warm-up) -> isotrace serve (audit async), plain TCP vs TLS with client certificates required, ${ROUNDS} round(s)`);
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-bench-tls-'));
  const certs: TestCerts = makeTestCerts();
  const serveTls = ['--tls-cert', certs.serverCert, '--tls-key', certs.serverKey, '--tls-ca', certs.ca, '--tls-client-auth', 'require'];
  const loadTls = ['--tls-ca', certs.ca, '--tls-cert', certs.clientCert, '--tls-key', certs.clientKey];
  try {
    const tcp: Figures[] = [];
    const tls: Figures[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      tcp.push(await measure(dir, `tcp-${round}`, [], []));
      console.log(line(`round ${round}: plain TCP`, tcp[round - 1]));
      tls.push(await measure(dir, `tls-${round}`, serveTls, loadTls));
      console.log(line(`round ${round}: TLS (mutual)`, tls[round - 1]));
    }
    const mean = (fs: Figures[], k: 'perSecond' | 'cpuUsPerAnswer'): number => fs.reduce((a, f) => a + f[k], 0) / fs.length;
    const rate = mean(tls, 'perSecond') / mean(tcp, 'perSecond');
    const cpu = mean(tls, 'cpuUsPerAnswer') / mean(tcp, 'cpuUsPerAnswer');
    console.log(`    TLS: ${(rate * 100).toFixed(1)}% of TCP's answers/s, serve CPU per answer ${cpu.toFixed(2)}x TCP's (+${(mean(tls, 'cpuUsPerAnswer') - mean(tcp, 'cpuUsPerAnswer')).toFixed(1)} µs)`);
  } finally {
    certs.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}
