// The store-and-forward queue a host's remote issuers use: with --store, the store's own (every
// node shares it; the sealing key from --saf-key-file, the same file on every node), else the
// file queue in --saf-dir.

import { DEFAULT_SAF_DIR, SafQueue, readSafKeyFile, type AdviceQueue } from '../saf/index.js';
import { ConfigError, type Logger } from '../common/index.js';
import { StoreSafQueue, type Store } from '../store/index.js';

/**
 * Opens the queue of reversal advices for a host whose routes define a remote issuer.
 * @throws ConfigError `safKeyFile` when a store is given without it; SafError SAF_KEY_MISSING,
 *   SAF_KEY_INVALID (as the file queue's open otherwise); StoreError STORE_UNAVAILABLE.
 */
export async function openAdviceQueue(cfg: { safDir?: string; safKeyFile?: string | null }, store: Store | null, logger: Logger): Promise<AdviceQueue> {
  if (store === null) return SafQueue.open({ dir: cfg.safDir ?? DEFAULT_SAF_DIR, logger });
  if (typeof cfg.safKeyFile !== 'string') {
    throw new ConfigError('safKeyFile', 'required with store when the routes define a remote issuer: a file of 32 random bytes (mode 0600), the same on every node (docs/saf.md)');
  }
  return StoreSafQueue.open({ store, key: readSafKeyFile(cfg.safKeyFile), logger });
}
