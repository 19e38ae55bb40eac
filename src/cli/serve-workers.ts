// `isotrace serve --workers N`: the primary runs the WorkerPool and the host's one admin listener,
// and turns signals into the pool's drain and SIGHUPs; each worker runs the same switch as
// `serve` alone (startSwitch), under its own node id, and tells the primary when it answers.

import cluster from 'node:cluster';
import type { Logger } from '../common/index.js';
import { AdminServer, ClusterAdminSource, answerAdminRequests } from '../metrics/index.js';
import { drainOnSignals } from '../transport/index.js';
import { onHangup } from './hangup.js';
import { EXIT, errorLine, type ExitCode, type Io } from './io.js';
import { createLogger } from './logger.js';
import type { ServeConfig } from './serve-config.js';
import { checkLogFile, runHost, type RunningSwitch } from './switch-host.js';
import { workerConfig, workerNodeId, type WorkerConfig } from './worker-identity.js';
import { WORKER_READY, WorkerPool } from './worker-pool.js';

/**
 * The primary: binds the admin listener (if any), starts the workers one, then the rest, and runs
 * until SIGTERM or SIGINT drains them all (exit 0). A worker that fails to start ends it with that
 * worker's exit code (the worker printed its one line).
 */
export async function runServePrimary(io: Io, cfg: ServeConfig): Promise<ExitCode> {
  try {
    checkLogFile(cfg.logFile);
  } catch (err) {
    io.err(errorLine(err));
    return EXIT.USAGE;
  }
  const { logger, flush, reopen } = createLogger(cfg.logLevel, cfg.logFile ?? 1, false, cfg.service);
  const pool = new WorkerPool({ count: cfg.workers, logger, nodeIdOf: (i) => workerNodeId(cfg.nodeId, i), drainTimeoutMs: cfg.server.drainTimeoutMs });
  const source = cfg.adminPort === null ? null : new ClusterAdminSource(() => pool.members);
  const admin = source === null ? null : new AdminServer({ host: cfg.adminHost, port: cfg.adminPort!, source, logger });
  try {
    await admin?.listen();
  } catch (err) {
    source?.close();
    flush();
    io.err(errorLine(err));
    return EXIT.USAGE;
  }
  logger.info({ evt: 'workers.starting', workers: cfg.workers, pid: process.pid }, `starting ${cfg.workers} workers`);
  const stopReopening = onHangup(() => {
    reopen();
    pool.hangup();
  });
  return new Promise((resolve) => {
    let isDone = false;
    const finish = async (code: ExitCode, stopped: readonly [evt: string, msg: string]): Promise<void> => {
      if (isDone) return;
      isDone = true;
      stopSignals();
      stopReopening();
      await admin?.close();
      source?.close();
      logger.info({ evt: stopped[0], code }, stopped[1]);
      flush();
      resolve(code);
    };
    const stopSignals = drainOnSignals({ drain: () => pool.stop() }, () => void finish(EXIT.OK, ['serve.stopped', 'switch stopped']), logger);
    void pool.start().then(async (failed) => {
      if (failed === null) {
        if (!pool.isStopping) logger.info({ evt: 'workers.ready', workers: cfg.workers }, `all ${cfg.workers} workers ready`);
        return;
      }
      await pool.stop();
      await finish(failed === EXIT.USAGE ? EXIT.USAGE : EXIT.INVALID, ['workers.failed', 'a worker failed to start: stopped']);
    });
  });
}

/**
 * The primary gone (killed, crashed): Node's cluster would end this worker at once, losing what is
 * in flight and the audit records still queued (async mode). It drains instead, as on SIGTERM.
 */
function drainWhenOrphaned(logger: Logger): void {
  const worker = cluster.worker;
  if (worker == null) return;
  // Emitted before the cluster's own handler looks at exitedAfterDisconnect to decide on exit(0).
  worker.once('disconnect', () => {
    if (worker.exitedAfterDisconnect) return;
    worker.exitedAfterDisconnect = true;
    logger.error({ evt: 'worker.orphaned' }, 'the primary is gone: draining');
    process.kill(process.pid, 'SIGTERM');
  });
}

/**
 * A worker (forked by the primary with its number): the switch of `serve`, under the node id
 * `<nodeId>-w<index>`, its metrics answered to the primary's scrapes; it tells the primary once it
 * answers. Drains on SIGTERM as `serve` alone does.
 */
export function runServeWorker(io: Io, configOf: () => ServeConfig, index: number, startSwitch: (cfg: WorkerConfig, logger: Logger, logDest: number | string) => Promise<RunningSwitch>): Promise<ExitCode> {
  return runHost(io, () => workerConfig(configOf(), index), async (cfg, logger, logDest) => {
    const running = await startSwitch(cfg, logger, logDest);
    if (running.metrics !== null) answerAdminRequests(running.metrics);
    drainWhenOrphaned(logger);
    // Said once runHost has its signal handlers (it adds them as soon as this resolves): the
    // primary may send SIGTERM the moment it hears it, and that must drain, not kill.
    setImmediate(() => {
      if (cluster.isWorker && process.connected) process.send?.({ type: WORKER_READY });
    });
    return running;
  }, ['serve.stopped', 'switch stopped']);
}
