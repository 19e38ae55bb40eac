// Remote issuer benchmark: 50 terminal connections -> `isotrace serve` -> `isotrace issuer`, three
// processes over real sockets, beside the stub path (serve answering from its in-process stub) in
// the same run. Reports answers per second, p50/p99/p99.9, and the CPU per answer of each process
// (all its threads, /proc/PID/stat). Both switches run their default audit mode (strict).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvingCards } from '../src/cli/test-cards.js';
import { figures, freePort, load, startIsotrace, THIS_BIN, type LoadResult } from './servers.js';

const DURATION_MS = Number(process.env.BENCH_REMOTE_DURATION_MS ?? 20_000);
/** The issuer link: a spec and framing other than the terminals' (iso87ascii, ascii4). */
const ISSUER_SPEC = 'iso87binary';
const ISSUER_FRAMING = 'binary2';
const TRACE_FIELD = '63';

/** The stub path: serve alone. */
async function stubPath(dir: string): Promise<LoadResult> {
  const port = await freePort();
  const serve = await startIsotrace(THIS_BIN, ['serve', '--port', String(port), '--audit-dir', join(dir, 'stub-audit')], join(dir, 'stub.log'), port);
  try {
    return await load(port, [serve.pid], DURATION_MS);
  } finally {
    await serve.stop();
  }
}

/** The remote path: serve routing the load card's BIN to `isotrace issuer` over 2 links. */
async function remotePath(dir: string): Promise<LoadResult> {
  const issuerPort = await freePort();
  const issuer = await startIsotrace(THIS_BIN, [
    'issuer', '--port', String(issuerPort), '--spec', ISSUER_SPEC, '--framing', ISSUER_FRAMING,
    '--audit-dir', join(dir, 'issuer-audit'), '--trace-field', TRACE_FIELD,
  ], join(dir, 'issuer.log'), issuerPort);
  try {
    const bin = approvingCards().sort((a, b) => b.balance - a.balance)[0].pan.slice(0, 6);
    const routes = join(dir, 'routes.json');
    writeFileSync(routes, JSON.stringify({
      issuers: {
        remote: {
          endpoints: [`tcp://127.0.0.1:${issuerPort}`], spec: ISSUER_SPEC, framing: ISSUER_FRAMING, header: 'none',
          connections: 2, timeoutMs: 2000, signOn: true, echoIntervalMs: 30_000, matchKey: [41, 11], traceField: Number(TRACE_FIELD),
        },
      },
      routes: [{ bin, issuer: 'remote' }],
    }));
    const port = await freePort();
    const serve = await startIsotrace(THIS_BIN, ['serve', '--port', String(port), '--routes', routes, '--audit-dir', join(dir, 'serve-audit')], join(dir, 'serve.log'), port);
    try {
      return await load(port, [serve.pid, issuer.pid], DURATION_MS);
    } finally {
      await serve.stop();
    }
  } finally {
    await issuer.stop();
  }
}

export async function run(): Promise<void> {
  console.log(`remote: 0100s for an approvable card, terminals -> serve -> isotrace issuer (${ISSUER_SPEC}, ${ISSUER_FRAMING}), ${DURATION_MS / 1000} s, beside the stub path`);
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-bench-remote-'));
  try {
    const stub = await stubPath(dir);
    console.log(figures('serve, stub issuer', stub));
    const remote = await remotePath(dir);
    console.log(figures('serve -> isotrace issuer', remote));
    const [serveCpu, issuerCpu] = remote.cpuUsPerAnswerEach;
    const approved = remote.approvals === remote.answers ? 'all approved' : `${remote.answers - remote.approvals} not approved`;
    console.log(`    serve ${serveCpu.toFixed(1)} µs + issuer ${issuerCpu.toFixed(1)} µs CPU per answer; ${(remote.perSecond / stub.perSecond * 100).toFixed(1)}% of the stub path's answers/s (target >= 50%), p99 ${(remote.p99us / 1000).toFixed(2)} ms (target < 10 ms), ${approved}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
