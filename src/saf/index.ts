// Public surface of src/saf: the durable store-and-forward queue of reversal advices owed to
// issuers (SafQueue), its entry types, options, and the lock-free reader the CLI lists with.
// Imports only shared/ and audit/ (group commit, the directory lock, torn-tail repair).

export { SafQueue } from './queue.js';
export type { AdviceQueue } from './advice-queue.js';
export { DEFAULT_SAF_DIR, DEFAULT_SAF_QUEUE_OPTIONS, SAF_OPTION_RANGES, backoffMs, resolveSafQueueOptions } from './queue-options.js';
export type { SafQueueOptions } from './queue-options.js';
export { ALWAYS_SEALED, FORBIDDEN_FIELDS, SAF_STATES, checkAdvice, deliveryOf, repeatMti } from './entry.js';
export type { SafAdvice, SafDelivery, SafEntry, SafState } from './entry.js';
export { SAF_LOCK_OWNER, SafError } from './errors.js';
export { checkSafDir, readSafEntries } from './reader.js';
export { KEY_BYTES, KEY_FILE, readSafKeyFile } from './saf-key.js';
export { sealFields, unsealFields } from './sealing.js';
export { LOG_FILE } from './log-lines.js';
