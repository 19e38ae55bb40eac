// The PostgreSQL store (--store): shared state for several switch processes and hosts.

export { Store, checkNodeId, checkStoreUrl, redactedUrl, type StoreOptions } from './store.js';
export { StoreError, isUnavailable, storeErrorOf } from './store-error.js';
export { migrate, SCHEMA_VERSION } from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations/index.js';
