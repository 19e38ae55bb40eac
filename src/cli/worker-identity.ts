// Who a process of `serve --workers N` is: worker i (1..N), told by the variable the primary sets
// when it forks it, or not a worker. A worker's node id on the store and the configuration it runs
// with. No I/O.

import { hostname } from 'node:os';
import { ConfigError } from '../common/index.js';
import type { HostConfig } from './switch-host.js';
import type { ServeConfig } from './serve-config.js';

/**
 * The variable the primary sets in each worker it forks: the worker's number, 1..N. The logger
 * reads it (in the journal thread too, which inherits the environment) to tag every line.
 */
export const WORKER_INDEX_ENV = 'ISOTRACE_WORKER_INDEX';

/** Node ids are at most this long (store/store.ts checks the rest). */
const MAX_NODE_ID_LENGTH = 63;

/** Worker `index`'s node id: the --node-id (default: the host name) with `-w<index>` appended. */
export function workerNodeId(nodeId: string | null, index: number): string {
  return `${nodeId ?? hostname()}-w${index}`;
}

/** The worker number the primary gave this process; null when it is not a worker of serve. */
export function workerIndexOf(env: Readonly<Record<string, string | undefined>>): number | null {
  const text = env[WORKER_INDEX_ENV];
  if (text === undefined || !/^[1-9]\d{0,2}$/.test(text)) return null;
  return Number(text);
}

/**
 * Checks what `--workers` needs: more than one needs --store (the audit files and the in-memory
 * state are one process's), and the longest worker node id must fit.
 * @throws ConfigError naming `workers` or `nodeId`.
 */
export function checkWorkers(cfg: Pick<ServeConfig, 'workers' | 'store' | 'nodeId'>): void {
  if (cfg.workers === 1) return;
  if (cfg.store === null) throw new ConfigError('workers', `${cfg.workers} needs --store: two processes never share the audit files (docs/store.md)`);
  const suffix = `-w${cfg.workers}`;
  if (workerNodeId(cfg.nodeId, cfg.workers).length > MAX_NODE_ID_LENGTH) {
    const source = cfg.nodeId === null ? ' (the host name)' : '';
    throw new ConfigError('nodeId', `expected at most ${MAX_NODE_ID_LENGTH - suffix.length} characters${source} with ${cfg.workers} workers: each worker's id ends in ${suffix}`);
  }
}

/** What a worker runs with: serve's configuration under its own node id, its admin served by the primary. */
export interface WorkerConfig extends ServeConfig, Pick<HostConfig, 'isAdminInPrimary'> {}

/**
 * Worker `index`'s configuration: its node id (its own chain in the store's transaction log, where
 * every worker's audit records go), and its metrics gathered by the primary (which alone binds
 * --admin-port).
 */
export function workerConfig(cfg: ServeConfig, index: number): WorkerConfig {
  return Object.freeze({ ...cfg, nodeId: workerNodeId(cfg.nodeId, index), isAdminInPrimary: true });
}
