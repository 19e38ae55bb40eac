// The PostgreSQL store (--store): shared state for several switch processes and hosts.

export { Store, checkNodeId, checkStoreUrl, redactedUrl, type StoreOptions } from './store.js';
export { StoreError, isUnavailable, storeErrorOf } from './store-error.js';
export { migrate, SCHEMA_VERSION } from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations/index.js';
export { TxnLogWriter, txnLogConnectionOf, type TxnLogConnection, type TxnLogWriterOptions } from './txn-log/txn-log-writer.js';
export { verifyTxnLog, txnLogNodes, type NodeChainResult } from './txn-log/verify-txn-log.js';
export { findTxnLogRecords, followTxnLog, lastTxnLogEntries, queryTxnLog, type NodeSeqs, type TxnLogEntry } from './txn-log/query-txn-log.js';
export { openTxnLogReader } from './txn-log/reader-connection.js';
export { PgDuplicates, DEFAULT_PG_DUPLICATES, type PgDuplicatesOptions } from './duplicate-claims.js';
export { PgOriginals, type PgOriginalsOptions } from './originals-store.js';
export { PgStubIssuer } from './stub-ledger.js';
export { StatePurge, type StatePurgeOptions } from './state-purge.js';
export { openSharedState, type SharedState, type SharedStateOptions } from './shared-state.js';
export { StoreSafQueue, DEFAULT_STORE_SAF_OPTIONS, type StoreSafQueueOptions } from './saf/store-saf-queue.js';
export { StoreSafAdmin, type SafTarget } from './saf/saf-admin.js';
