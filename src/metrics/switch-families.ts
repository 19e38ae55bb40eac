// The metric families of the switch's terminal side: transactions by MTI class and response code,
// latency end to end and per stage, duplicates, connections and the frames refused. Each reads
// counters the switch and its server keep anyway (or TxnMetrics' arrays) at scrape time.

import type { Registry } from 'prom-client';
import type { Switch, TxnMetrics } from '../switch/index.js';
import { TIMED_STAGES } from '../switch/index.js';
import type { FrameServer } from '../transport/index.js';
import { ScrapedMetric } from './scraped-metric.js';

/** Counts the server reports only as events (by reason), kept by HostMetrics's listeners. */
export interface ServerEventCounts {
  /** Connections refused at accept, by RefuseReason. */
  readonly refused: Record<string, number>;
  /** Connections closed on a framing error, by reason (`too_large`, `bad_header`, `bad_tpdu`). */
  readonly framingErrors: Record<string, number>;
  /** TLS clients refused before their handshake completed, by TlsFailure (`handshake`, `handshake-timeout`, `client-certificate`). */
  readonly tlsFailures: Record<string, number>;
}

/** Each entry of `counts` as one sample labelled `label`. */
function byLabel(counts: Readonly<Record<string, number>>, label: string) {
  return (out: { add(v: number, l: Record<string, string>): void }): void => {
    for (const [value, n] of Object.entries(counts)) out.add(n, { [label]: value });
  };
}

/** Registers the transaction families, read from `txn`. */
export function registerTxnFamilies(registry: Registry, txn: TxnMetrics): void {
  new ScrapedMetric('isotrace_transactions_total', 'counter', 'Requests answered (or dropped after the pipeline), by MTI class and the response code (DE 39) sent', (out) => {
    txn.forEachCount((mtiClass, responseCode, n) => out.add(n, { mti_class: mtiClass, response_code: responseCode }));
  }).register(registry);
  new ScrapedMetric('isotrace_transaction_duration_seconds', 'histogram', 'From a request frame reaching the switch to its answer being ready to write (audit record included in strict mode)', (out) => {
    out.addHistogram(txn.duration);
  }).register(registry);
  new ScrapedMetric('isotrace_stage_duration_seconds', 'histogram', 'Time in each pipeline stage, and in the commit phase (audit journal, duplicate cache, trace hand-off)', (out) => {
    for (let i = 0; i < TIMED_STAGES.length; i++) out.addHistogram(txn.stages[i], { stage: TIMED_STAGES[i] });
  }).register(registry);
  new ScrapedMetric('isotrace_duplicates_answered_total', 'counter', 'Repeated requests answered from the duplicate cache with the first answer', (out) => {
    out.add(txn.duplicates);
  }).register(registry);
}

/**
 * Registers the connection and frame families, read from `server`, the event counts and (once
 * the switch runs) `switchOf()`'s counters.
 */
export function registerServerFamilies(registry: Registry, server: FrameServer, events: ServerEventCounts, switchOf: () => Switch | null, txn: TxnMetrics): void {
  new ScrapedMetric('isotrace_connections_open', 'gauge', 'Terminal connections open now', (out) => out.add(server.connectionCount)).register(registry);
  new ScrapedMetric('isotrace_connections_accepted_total', 'counter', 'Terminal connections accepted', (out) => out.add(server.stats.accepted)).register(registry);
  new ScrapedMetric('isotrace_connections_refused_total', 'counter', 'Terminal connections refused at accept, by reason', byLabel(events.refused, 'reason')).register(registry);
  new ScrapedMetric('isotrace_connections_closed_total', 'counter', 'Terminal connections closed, by reason', (out) => {
    for (const [reason, n] of Object.entries(server.stats.closed)) out.add(n, { reason });
  }).register(registry);
  new ScrapedMetric('isotrace_tls_handshake_failures_total', 'counter', 'TLS clients refused before their handshake completed (no connection), by reason', byLabel(events.tlsFailures, 'reason')).register(registry);
  new ScrapedMetric('isotrace_tls_closed_before_hello_total', 'counter', 'Connections to the TLS listener that ended before sending a byte (load balancer health checks, port checks), not counted as handshake failures', (out) => {
    out.add(server.stats.tlsClosedBeforeHello);
  }).register(registry);
  new ScrapedMetric('isotrace_frames_received_total', 'counter', 'Frames received from terminals (keep-alives not counted)', (out) => out.add(server.stats.framesIn)).register(registry);
  new ScrapedMetric('isotrace_frames_rejected_total', 'counter', 'Frames not handled as requests, by reason', (out) => {
    byLabel(events.framingErrors, 'reason')(out);
    const sw = switchOf();
    out.add(sw === null ? 0 : sw.counters.unreadable, { reason: 'unreadable_mti' });
    out.add(sw === null ? 0 : sw.counters.unsolicitedResponses, { reason: 'unsolicited_response' });
    out.add(txn.formatErrors, { reason: 'format_error' });
  }).register(registry);
}
