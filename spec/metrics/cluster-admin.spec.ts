// ClusterAdminSource (the admin listener of serve --workers) when workers are missing or silent:
// /readyz names each one that is not running, still starting or not answering, and /metrics has
// nothing to sum. The workers'
// answers over the cluster IPC are tested with real processes in spec/cli/serve-workers.spec.ts.

import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterAdminSource, type ClusterMember } from '../../src/metrics/index.js';

const WORKER_SCRIPT = fileURLToPath(new URL('../helpers/cluster-worker.mjs', import.meta.url));

let source: ClusterAdminSource | null = null;
let worker: Worker | null = null;
afterEach(async () => {
  source?.close();
  if (worker !== null && worker.process.exitCode === null) {
    worker.process.kill('SIGKILL');
    await once(worker, 'exit');
  }
  worker = null;
});

describe('ClusterAdminSource', () => {
  it('is not ready while a worker is not running or not yet started, naming each', async () => {
    const members: ClusterMember[] = [{ index: 1, worker: null, isReady: false }, { index: 2, worker: null, isReady: true }];
    source = new ClusterAdminSource(() => members);
    expect(await source.readiness()).toEqual({ isReady: false, reasons: ['worker 1: not running', 'worker 2: not running'] });
  });

  it('has no metrics to sum when no worker runs', async () => {
    source = new ClusterAdminSource(() => [{ index: 1, worker: null, isReady: false }]);
    expect((await source.metricsText()).trim()).toBe('');
    expect(source.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('leaves out a worker that does not answer in time: not ready, no metrics from it', async () => {
    cluster.setupPrimary({ exec: WORKER_SCRIPT, args: ['serve', 'ready'], silent: true });
    const w = cluster.fork();
    worker = w;
    await once(w, 'message'); // it runs, and will never answer the admin's requests
    source = new ClusterAdminSource(() => [{ index: 1, worker: w, isReady: true }], 50);
    expect(await source.readiness()).toEqual({ isReady: false, reasons: ['worker 1: no answer in 50 ms'] });
    expect((await source.metricsText()).trim()).toBe('');
  });
});

