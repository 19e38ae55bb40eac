// ClusterAdminSource (the admin listener of serve --workers) when workers are missing: /readyz names
// each one that is not running or still starting, and /metrics has nothing to sum. The workers'
// answers over the cluster IPC are tested with real processes in spec/cli/serve-workers.spec.ts.

import { afterEach, describe, expect, it } from 'vitest';
import { ClusterAdminSource, type ClusterMember } from '../../src/metrics/index.js';

let source: ClusterAdminSource | null = null;
afterEach(() => source?.close());

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
});
