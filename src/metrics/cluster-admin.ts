// The admin listener of `serve --workers N`, served by the primary alone (one listener for the
// host, never N fighting for a port): each scrape asks every worker over the cluster IPC for its
// registry as JSON, and prom-client's AggregatorRegistry adds them up (counters and histograms
// summed, event-loop lag averaged); /readyz asks each worker for its readiness. The worker side is
// answerAdminRequests. Not on the transaction path: a scrape is a few IPC messages.

import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';
import type { AdminSource } from './admin-server.js';
import type { HostMetrics, Readiness } from './host-metrics.js';

const REQUEST = 'isotrace:admin-request';
const ANSWER = 'isotrace:admin-answer';
/** How long a worker may take to answer a scrape, ms: one that does not is left out (and not ready). */
const DEFAULT_ANSWER_TIMEOUT_MS = 1000;

type Asked = 'metrics' | 'readiness';

interface AdminRequest {
  readonly type: typeof REQUEST;
  readonly id: number;
  readonly asked: Asked;
}

interface AdminAnswer {
  readonly type: typeof ANSWER;
  readonly id: number;
  /** The worker's registry, as getMetricsAsJSON() gives it; null when asked for readiness (or it failed). */
  readonly metrics: object[] | null;
  readonly readiness: Readiness | null;
}

/** A worker the primary runs, as the admin listener sees it. */
export interface ClusterMember {
  /** 1..N. */
  readonly index: number;
  /** Null while it is not running (restarting). */
  readonly worker: Worker | null;
  /** It said it has started (its switch answers). */
  readonly isReady: boolean;
}

function isAnswer(message: unknown): message is AdminAnswer {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === ANSWER;
}

function isRequest(message: unknown): message is AdminRequest {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === REQUEST;
}

/** The primary's AdminSource: the workers' metrics, summed, and ready when every worker is. */
export class ClusterAdminSource implements AdminSource {
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;
  readonly #members: () => readonly ClusterMember[];
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, (answer: AdminAnswer | null) => void>();
  #nextId = 1;

  /** `members`: the workers as they are now (read at each scrape). */
  constructor(members: () => readonly ClusterMember[], timeoutMs = DEFAULT_ANSWER_TIMEOUT_MS) {
    this.#members = members;
    this.#timeoutMs = timeoutMs;
    cluster.on('message', this.#onMessage);
  }

  /** Every running worker's metrics, aggregated; a worker that does not answer in time is left out. */
  async metricsText(): Promise<string> {
    const answers = await Promise.all(this.#running().map(({ worker }) => this.#ask(worker, 'metrics')));
    const registries = answers.flatMap((a) => (a?.metrics == null ? [] : [a.metrics]));
    return AggregatorRegistry.aggregate(registries).metrics();
  }

  /** Ready when every worker runs, has started and says it is ready; else each one's reasons, as `worker 2: ...`. */
  async readiness(): Promise<Readiness> {
    const members = this.#members();
    const answers = await Promise.all(members.map((m) => (m.worker !== null && m.isReady ? this.#ask(m.worker, 'readiness') : Promise.resolve(null))));
    const reasons: string[] = [];
    members.forEach((m, i) => {
      const readiness = answers[i]?.readiness ?? null;
      if (m.worker === null) reasons.push(`worker ${m.index}: not running`);
      else if (!m.isReady) reasons.push(`worker ${m.index}: starting`);
      else if (readiness === null) reasons.push(`worker ${m.index}: no answer in ${this.#timeoutMs} ms`);
      else for (const r of readiness.reasons) reasons.push(`worker ${m.index}: ${r}`);
    });
    return { isReady: reasons.length === 0, reasons };
  }

  /** Stops listening to the workers' answers; scrapes waiting get what they have. */
  close(): void {
    cluster.off('message', this.#onMessage);
    for (const settle of [...this.#pending.values()]) settle(null);
  }

  #running(): Array<{ worker: Worker }> {
    return this.#members().flatMap((m) => (m.worker !== null && m.isReady ? [{ worker: m.worker }] : []));
  }

  /** Asks one worker; null when it does not answer within the timeout or cannot be asked. */
  #ask(worker: Worker, asked: Asked): Promise<AdminAnswer | null> {
    if (!worker.isConnected()) return Promise.resolve(null);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(null), this.#timeoutMs);
      const settle = (answer: AdminAnswer | null): void => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(answer);
      };
      this.#pending.set(id, settle);
      const request: AdminRequest = { type: REQUEST, id, asked };
      worker.send(request, (err: Error | null) => {
        if (err !== null) settle(null); // the worker went away meanwhile
      });
    });
  }

  readonly #onMessage = (_worker: Worker, message: unknown): void => {
    if (isAnswer(message)) this.#pending.get(message.id)?.(message);
  };
}

/**
 * In a worker: answers the primary's scrapes with `metrics` (its registry and readiness) until the
 * function returned is called.
 */
export function answerAdminRequests(metrics: HostMetrics): () => void {
  const reply = (answer: AdminAnswer): void => {
    if (process.connected) process.send?.(answer);
  };
  const onMessage = (message: unknown): void => {
    if (!isRequest(message)) return;
    if (message.asked === 'readiness') {
      reply({ type: ANSWER, id: message.id, metrics: null, readiness: metrics.readiness() });
      return;
    }
    metrics.registry.getMetricsAsJSON().then(
      (json) => reply({ type: ANSWER, id: message.id, metrics: json, readiness: null }),
      () => reply({ type: ANSWER, id: message.id, metrics: null, readiness: null }),
    );
  };
  process.on('message', onMessage);
  return () => {
    process.off('message', onMessage);
  };
}
