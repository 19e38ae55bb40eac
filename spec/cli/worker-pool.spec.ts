// WorkerPool, the primary of `serve --workers`, with real forked processes (a stand-in worker
// script, spec/helpers/cluster-worker.mjs): restarts with a growing delay and a restart storm
// logged; a start that fails stops at the first worker; stop() drains every worker.

import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_READY, WorkerPool } from '../../src/cli/worker-pool.js';
import { LogCollector } from '../helpers/log-collector.js';

const WORKER_SCRIPT = fileURLToPath(new URL('../helpers/cluster-worker.mjs', import.meta.url));
let pool: WorkerPool | null = null;
afterEach(async () => {
  await pool?.stop();
  pool = null;
});

/** A pool of `count` stand-in workers doing `mode`. */
function poolOf(mode: 'die' | 'fail' | 'serve' | 'late', count: number, log: LogCollector): WorkerPool {
  cluster.setupPrimary({ exec: WORKER_SCRIPT, args: [mode, WORKER_READY], silent: true });
  pool = new WorkerPool({ count, logger: log, nodeIdOf: (i) => `n-w${i}`, drainTimeoutMs: 1000 });
  return pool;
}

describe('WorkerPool', () => {
  it('restarts a worker that keeps dying after 100 ms, doubling each time, and logs a restart storm at the fifth within a minute', async () => {
    const log = new LogCollector('info');
    const p = poolOf('die', 1, log);
    expect(await p.start()).toBeNull();
    const storm = await log.next('worker.restart_storm');
    expect(storm).toMatchObject({ level: 'error', worker: 1, restarts: 5, windowMs: 60_000, maxDelayMs: 30_000 });
    expect(log.events('worker.restarting').map((l) => l.delayMs)).toEqual([100, 200, 400, 800, 1600]);
    expect(log.events('worker.exited').slice(0, 5).map((l) => [l.worker, l.code, l.reason])).toEqual(Array(5).fill([1, 1, 'exited with code 1']));
    const pids = log.events('worker.started').map((l) => l.pid);
    expect(new Set(pids).size).toBe(pids.length);
  });

  it('resolves start() with the exit code of worker 1 when it fails before it is ready, forking no other', async () => {
    const log = new LogCollector('info');
    const p = poolOf('fail', 3, log);
    expect(await p.start()).toBe(2);
    expect(log.events('worker.exited')).toEqual([expect.objectContaining({ level: 'error', worker: 1, code: 2, reason: 'exited with code 2' })]);
    expect(log.events('worker.restarting')).toEqual([]);
    expect(p.members.map((m) => m.worker)).toEqual([null, null, null]);
  });

  it('stop() sends SIGTERM to every worker and resolves once all have exited; none is restarted', async () => {
    const log = new LogCollector('info');
    const p = poolOf('serve', 2, log);
    expect(await p.start()).toBeNull();
    expect(p.members.map((m) => [m.index, m.isReady])).toEqual([[1, true], [2, true]]);
    const stopping = p.stop();
    expect(p.stop()).toBe(stopping); // a signal during a stop already under way waits for the same
    await stopping;
    expect(log.events('worker.exited').map((l) => [l.worker, l.reason, l.level]).sort()).toEqual([[1, 'drained', 'info'], [2, 'drained', 'info']]);
    expect(log.events('worker.restarting')).toEqual([]);
    expect(p.members.every((m) => m.worker === null && !m.isReady)).toBe(true);
  });

  it('stop() while starting ends the start (null, isStopping) and forks no further worker', async () => {
    const log = new LogCollector('info');
    const p = poolOf('serve', 2, log);
    const started = p.start();
    await p.stop();
    expect(await started).toBeNull();
    expect(p.isStopping).toBe(true);
    expect(log.events('worker.exited').map((l) => l.worker)).toEqual([1]);
    expect(log.events('worker.restarting')).toEqual([]);
  });

  it('sends SIGHUP on to ready workers only: one still starting has no handler yet, and would die of it', async () => {
    const log = new LogCollector('info');
    const p = poolOf('late', 1, log);
    const started = p.start();
    const worker = p.members[0]!.worker!;
    await new Promise((resolve) => worker.on('message', (m: { type?: string }) => (m.type === 'waiting' ? resolve(m) : undefined)));
    p.hangup(); // worker 1 is starting: not sent
    worker.send('go');
    expect(await started).toBeNull();
    const hup = new Promise((resolve) => worker.on('message', (m: { type?: string }) => (m.type === 'hup' ? resolve(m) : undefined)));
    p.hangup();
    expect(await hup).toEqual({ type: 'hup' });
    expect(log.events('worker.exited')).toEqual([]);
  });
});

