// The metric families of the PostgreSQL store (--store): the statements the switch ran there by
// outcome, its pool's connections, and whether it holds its node id and the store answers. Read
// from the Store's counters at scrape time.

import type { Registry } from 'prom-client';
import type { Store } from '../store/index.js';
import { ScrapedMetric } from './scraped-metric.js';

/** Registers the store's families, read from `store`. */
export function registerStoreFamilies(registry: Registry, store: Store): void {
  new ScrapedMetric('isotrace_store_statements_total', 'counter', 'Statements run on the store by the switch (claims, answers, originals, the stub, the queue), by outcome: ok, unavailable (no answer: 96s), refused', (out) => {
    const s = store.statements;
    out.add(s.ok, { outcome: 'ok' });
    out.add(s.unavailable, { outcome: 'unavailable' });
    out.add(s.refused, { outcome: 'refused' });
  }).register(registry);
  new ScrapedMetric('isotrace_store_connections', 'gauge', 'Connections of the store pool, by state: busy (a statement out) or idle', (out) => {
    const c = store.connections;
    out.add(c.busy, { state: 'busy' });
    out.add(c.idle, { state: 'idle' });
  }).register(registry);
  new ScrapedMetric('isotrace_store_waiting_requests', 'gauge', 'Statements waiting for a connection of the store pool', (out) => out.add(store.connections.waiting)).register(registry);
  new ScrapedMetric('isotrace_store_up', 'gauge', '1 while the switch holds its node id and its last statement was answered, else 0', (out) => out.add(store.holdsNodeId && store.isAnswering ? 1 : 0), 'min').register(registry);
}
