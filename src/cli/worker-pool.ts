// WorkerPool: the primary of `serve --workers N` (node:cluster). Forks N workers, each a whole switch
// on the shared port; restarts one that dies, with a backoff that grows while it keeps dying;
// forwards SIGHUP; drains them all. It takes no terminal traffic and opens no store or file: the
// cluster module's round-robin hands each new connection to a worker (docs/store.md, Workers).

import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../common/index.js';
import type { ClusterMember } from '../metrics/index.js';
import { WORKER_INDEX_ENV } from './worker-identity.js';

/** The message a worker sends the primary once its switch answers. */
export const WORKER_READY = 'isotrace:worker-ready';

/** The first restart's delay, ms; it doubles with each restart of the slot in the last RESTART_WINDOW_MS. */
const RESTART_FIRST_MS = 100;
/** The longest delay between restarts of one slot, ms: a worker that keeps dying restarts at most this often. */
const RESTART_MAX_MS = 30_000;
const RESTART_WINDOW_MS = 60_000;
/** Restarts of one slot within RESTART_WINDOW_MS from which it is a restart storm (logged as an error). */
const STORM_RESTARTS = 5;
/** After the workers' own drain timeout, how long the primary waits before it kills one still running, ms. */
const DRAIN_GRACE_MS = 5000;

export interface WorkerPoolOptions {
  readonly count: number;
  readonly logger: Logger;
  /** Worker i's node id, for the log. */
  nodeIdOf(index: number): string;
  /** The workers' drain timeout (drainTimeoutMs), ms: past it and DRAIN_GRACE_MS, the primary kills. */
  readonly drainTimeoutMs: number;
}

/** One of the N places a worker runs in. */
class Slot implements ClusterMember {
  readonly index: number;
  worker: Worker | null = null;
  isReady = false;
  /** When the slot's worker was restarted (ms since the epoch), within the last RESTART_WINDOW_MS. */
  restarts: number[] = [];
  restartTimer: NodeJS.Timeout | null = null;

  constructor(index: number) {
    this.index = index;
  }
}

export class WorkerPool {
  readonly #o: WorkerPoolOptions;
  readonly #slots: Slot[];
  #isStopping = false;
  /** Settles start(): null once every worker is ready, else the exit code of one that failed to start. */
  #onStarted: ((failed: number | null) => void) | null = null;
  #onStopped: (() => void) | null = null;
  #stopped: Promise<void> | null = null;

  constructor(options: WorkerPoolOptions) {
    this.#o = options;
    this.#slots = Array.from({ length: options.count }, (_, i) => new Slot(i + 1));
  }

  /** stop() has been called: no worker is started or restarted any more. */
  get isStopping(): boolean {
    return this.#isStopping;
  }

  /** The workers as they are now (the admin listener reads it at each scrape). */
  get members(): readonly ClusterMember[] {
    return this.#slots;
  }

  /**
   * Forks worker 1 and waits until it is ready (so that a bad start, a port or a database, is one
   * line from one worker), then the others. Resolves with null once all are ready or stop() is
   * called, or with the exit code of the first that exited before it was ready (the others are then
   * left to stop()).
   */
  async start(): Promise<number | null> {
    const [first, ...rest] = this.#slots;
    const failed = await this.#started([first!]);
    if (failed !== null || this.#isStopping || rest.length === 0) return failed;
    return this.#started(rest);
  }

  /**
   * Sends SIGHUP to every ready worker (log reopen, TLS reload). Not to one still starting: it has
   * no handler yet (the signal would end it), and it reads its files as they are now anyway.
   */
  hangup(): void {
    for (const s of this.#slots) if (s.isReady) s.worker?.process.kill('SIGHUP');
  }

  /**
   * Stops restarting, sends SIGTERM to every running worker (each drains as a single switch does)
   * and resolves once all have exited; one still running DRAIN_GRACE_MS after its drain timeout is
   * killed (SIGKILL), and logged. Called again, it returns the same promise.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  #stop(): Promise<void> {
    this.#isStopping = true;
    this.#onStarted?.(null);
    for (const s of this.#slots) {
      if (s.restartTimer !== null) clearTimeout(s.restartTimer);
      s.restartTimer = null;
      s.worker?.process.kill('SIGTERM');
    }
    if (this.#slots.every((s) => s.worker === null)) return Promise.resolve();
    const killer = setTimeout(() => {
      for (const s of this.#slots) {
        if (s.worker === null) continue;
        this.#o.logger.error({ evt: 'worker.kill', worker: s.index, pid: s.worker.process.pid }, 'worker still running after its drain: killed');
        s.worker.process.kill('SIGKILL');
      }
    }, this.#o.drainTimeoutMs + DRAIN_GRACE_MS);
    return new Promise((resolve) => {
      this.#onStopped = () => {
        clearTimeout(killer);
        resolve();
      };
    });
  }

  #started(slots: readonly Slot[]): Promise<number | null> {
    return new Promise((resolve) => {
      this.#onStarted = (failed) => {
        if (failed === null && !this.#isStopping && !slots.every((s) => s.isReady)) return;
        this.#onStarted = null;
        resolve(failed);
      };
      for (const s of slots) this.#fork(s);
    });
  }

  #fork(slot: Slot): void {
    slot.restartTimer = null;
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(slot.index) });
    slot.worker = worker;
    slot.isReady = false;
    const pid = worker.process.pid;
    worker.on('message', (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== WORKER_READY || slot.worker !== worker) return;
      slot.isReady = true;
      this.#o.logger.info({ evt: 'worker.started', worker: slot.index, pid, node: this.#o.nodeIdOf(slot.index) }, `worker ${slot.index} started`);
      this.#onStarted?.(null);
    });
    worker.on('exit', (code: number | null, signal: NodeJS.Signals | null) => this.#onExit(slot, worker, code, signal));
  }

  #onExit(slot: Slot, worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    const wasReady = slot.isReady;
    slot.worker = null;
    slot.isReady = false;
    const pid = worker.process.pid;
    const reason = signal !== null ? `killed by ${signal}` : this.#isStopping && code === 0 ? 'drained' : `exited with code ${code}`;
    // While stopping, SIGTERM ends a worker still starting before it has its handlers: expected too.
    const level = this.#isStopping && (code === 0 || signal === 'SIGTERM') ? 'info' : 'error';
    this.#o.logger[level]({ evt: 'worker.exited', worker: slot.index, pid, code, signal, reason }, `worker ${slot.index} ${reason}`);
    if (this.#isStopping) {
      if (this.#slots.every((s) => s.worker === null)) this.#onStopped?.();
      return;
    }
    // A worker of the first start that never got ready: the start failed (its own line says why).
    if (!wasReady && this.#onStarted !== null) {
      this.#onStarted(signal !== null || code === null || code === 0 ? 1 : code);
      return;
    }
    this.#scheduleRestart(slot);
  }

  /** Restarts after 100 ms, doubling with each restart of the slot within a minute, up to 30 s. */
  #scheduleRestart(slot: Slot): void {
    const now = Date.now();
    slot.restarts = slot.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    const recent = slot.restarts.length;
    const delayMs = Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** recent);
    slot.restarts.push(now);
    if (recent + 1 === STORM_RESTARTS) {
      this.#o.logger.error({ evt: 'worker.restart_storm', worker: slot.index, restarts: recent + 1, windowMs: RESTART_WINDOW_MS, maxDelayMs: RESTART_MAX_MS }, `worker ${slot.index} keeps dying: restarts slow down to one every ${RESTART_MAX_MS / 1000} s at most`);
    }
    this.#o.logger.warn({ evt: 'worker.restarting', worker: slot.index, delayMs }, `worker ${slot.index} restarts in ${delayMs} ms`);
    slot.restartTimer = setTimeout(() => this.#fork(slot), delayMs);
  }
}
