// The metric families of the audit journal: batches (write + fdatasync pairs), records, records per
// batch, the time of each write + fdatasync, failed batches, and whether the journal takes records.
// Read from the AuditBatchStats the journal thread updates (a SharedArrayBuffer): no message per scrape.

import type { Registry } from 'prom-client';
import type { AuditBatchStats } from '../audit/index.js';
import { ScrapedMetric } from './scraped-metric.js';

/** Registers the audit families, read from `stats`; `isWritable` says whether the journal takes records. */
export function registerAuditFamilies(registry: Registry, stats: AuditBatchStats, isWritable: () => boolean): void {
  new ScrapedMetric('isotrace_audit_batches_total', 'counter', 'Batches of audit records written and synced (one write + fdatasync each)', (out) => out.add(stats.syncSeconds.count)).register(registry);
  new ScrapedMetric('isotrace_audit_records_total', 'counter', 'Audit records written and synced', (out) => out.add(stats.records.sum)).register(registry);
  new ScrapedMetric('isotrace_audit_batch_records', 'histogram', 'Records per batch, that is per fdatasync (group commit)', (out) => out.addHistogram(stats.records)).register(registry);
  new ScrapedMetric('isotrace_audit_fsync_duration_seconds', 'histogram', 'Time of each batch\'s write + fdatasync', (out) => out.addHistogram(stats.syncSeconds)).register(registry);
  new ScrapedMetric('isotrace_audit_failed_batches_total', 'counter', 'Batches that could not be written or synced', (out) => out.add(stats.failedBatches)).register(registry);
  new ScrapedMetric('isotrace_audit_writable', 'gauge', '1 while the audit journal takes records and its last batch was written, else 0', (out) => out.add(isWritable() && !stats.isFailing ? 1 : 0), 'min').register(registry);
}
