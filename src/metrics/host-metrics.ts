// HostMetrics: a running host's metrics registry (prom-client, its own Registry, never the global
// one) and its readiness. Made when the admin listener is on, before the host starts: the switch
// counts into its TxnMetrics and the journal into its AuditBatchStats; the rest is read at scrape
// time from the components' own counters once attach() names them.

import { collectDefaultMetrics, Registry } from 'prom-client';
import { AuditBatchStats } from '../audit/index.js';
import type { RemoteIssuer } from '../issuer/index.js';
import type { JournalThread } from '../journal/index.js';
import type { AdviceQueue } from '../saf/index.js';
import type { Store } from '../store/index.js';
import { TxnMetrics, type Switch } from '../switch/index.js';
import type { CloseReason, ConnectionContext, FrameServer, RefuseReason, TlsFailure } from '../transport/index.js';
import { registerAuditFamilies } from './audit-families.js';
import { registerStoreFamilies } from './store-families.js';
import { measuredLinks, registerIssuerFamilies, type IssuerSources } from './issuer-families.js';
import { registerServerFamilies, registerTxnFamilies, type ServerEventCounts } from './switch-families.js';

/** What runs once the host has started. */
export interface HostMetricsParts {
  readonly switch: Switch;
  readonly journal: JournalThread;
  /** The remote issuers: their links' state and counters, their queue's depth. */
  readonly issuers: readonly RemoteIssuer[];
  /** The store-and-forward queue, when some issuer is remote. */
  readonly saf: AdviceQueue | null;
  /** The PostgreSQL store (--store); null or absent without. */
  readonly store?: Store | null;
}

/** The answer of /readyz: ready, or the reasons why not. */
export interface Readiness {
  readonly isReady: boolean;
  readonly reasons: readonly string[];
}

/**
 * prom-client's default metrics that are gauges named `_total`, against Prometheus's naming rules
 * (`promtool check metrics` reports them): left out.
 */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** `FRAME_TOO_LARGE` -> `too_large`: the framing error codes as reason labels. */
function framingReason(error: Error | null): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('FRAME_') ? code.slice(6).toLowerCase() : 'other';
}

export class HostMetrics {
  readonly registry = new Registry();
  /** Give to the switch (SwitchEnv.metrics). */
  readonly txn = new TxnMetrics();
  /** Give to the journal (its batchStats option). */
  readonly batchStats = new AuditBatchStats();
  readonly #server: FrameServer;
  readonly #events: ServerEventCounts = { refused: {}, framingErrors: {}, tlsFailures: {} };
  readonly #issuers: IssuerSources = { links: [], issuers: [], saf: null };
  #parts: HostMetricsParts | null = null;

  /** Counts `server`'s refusals and framing errors from now on (its events: once per connection, not per frame). */
  constructor(server: FrameServer) {
    this.#server = server;
    server.on('refused', this.#onRefused);
    server.on('close', this.#onClose);
    server.on('tlsFailed', this.#onTlsFailed);
    collectDefaultMetrics({ register: this.registry });
    for (const name of MISNAMED_DEFAULTS) this.registry.removeSingleMetric(name);
    registerTxnFamilies(this.registry, this.txn);
    registerServerFamilies(this.registry, server, this.#events, () => this.#parts?.switch ?? null, this.txn);
    registerIssuerFamilies(this.registry, this.#issuers);
    registerAuditFamilies(this.registry, this.batchStats, () => this.#parts?.journal.isWritable ?? false);
  }

  /** Names the host's parts once it runs; the issuers' links start measuring their round trips. */
  attach(parts: HostMetricsParts): void {
    this.#parts = parts;
    this.#issuers.links = measuredLinks(parts.issuers);
    this.#issuers.issuers = parts.issuers.map((i) => i.name);
    this.#issuers.saf = parts.saf;
    if (parts.store != null) registerStoreFamilies(this.registry, parts.store);
  }

  /** Every metric in the Prometheus text format. */
  metricsText(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of metricsText(). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Ready when the host has started, its terminal listener is bound (not drained), its audit
   * journal takes records and its last batch was written, every remote issuer has a link up, and
   * the store (--store) holds the node id and answers.
   */
  readiness(): Readiness {
    const parts = this.#parts;
    if (parts === null) return { isReady: false, reasons: ['starting'] };
    const reasons: string[] = [];
    if (this.#server.address === null) reasons.push('terminal listener not listening');
    if (!parts.journal.isWritable) reasons.push('audit journal stopped');
    else if (this.batchStats.isFailing) reasons.push('audit writes failing');
    for (const issuer of parts.issuers) {
      const up = issuer.links.filter((l) => l.client.isUp).length;
      if (up === 0) reasons.push(`issuer ${issuer.name}: no link up (0 of ${issuer.links.length})`);
    }
    const store = parts.store ?? null;
    if (store !== null && !store.holdsNodeId) reasons.push(`store: node id ${store.nodeId} not held (the database is away)`);
    else if (store !== null && !store.isAnswering) reasons.push('store: not answering');
    return { isReady: reasons.length === 0, reasons };
  }

  /** Stops listening to the server's events. */
  close(): void {
    this.#server.off('refused', this.#onRefused);
    this.#server.off('close', this.#onClose);
    this.#server.off('tlsFailed', this.#onTlsFailed);
  }

  readonly #onRefused = (_remote: string, reason: RefuseReason): void => {
    this.#events.refused[reason] = (this.#events.refused[reason] ?? 0) + 1;
  };

  readonly #onTlsFailed = (_remote: string, reason: TlsFailure): void => {
    this.#events.tlsFailures[reason] = (this.#events.tlsFailures[reason] ?? 0) + 1;
  };

  readonly #onClose = (_ctx: ConnectionContext, reason: CloseReason, error: Error | null): void => {
    if (reason !== 'framing-error') return;
    const key = framingReason(error);
    this.#events.framingErrors[key] = (this.#events.framingErrors[key] ?? 0) + 1;
  };
}
