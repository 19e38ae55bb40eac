// Test helpers for the store's saf queue: a Store and its StoreSafQueue per node on a test
// database, closed after each test; a plain client to look at the rows. Test-only.

import { randomBytes } from 'node:crypto';
import { afterEach } from 'vitest';
import { Store, StoreSafQueue, type StoreSafQueueOptions } from '../../../src/store/index.js';
import { LogCollector } from '../../helpers/log-collector.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const c of opened.splice(0).reverse()) await c.close().catch(() => {});
});

/** One key for the nodes of a test. */
export const KEY = randomBytes(32);

export interface Node {
  store: Store;
  queue: StoreSafQueue;
  log: LogCollector;
}

/** A node: a Store on `url` as `nodeId` and its saf queue (closed after the test). */
export async function openNode(url: string, nodeId: string, options: Partial<StoreSafQueueOptions> = {}): Promise<Node> {
  const log = new LogCollector('debug');
  const store = await Store.open({ url, nodeId, version: 'test', logger: log });
  opened.push(store);
  const queue = await StoreSafQueue.open({ store, key: KEY, logger: log, ...options });
  opened.push(queue);
  return { store, queue, log };
}

export { withClient } from '../../helpers/store-fixtures.js';
