// Public surface of src/journal: where the switch's finished transactions go in serve, the journal
// thread (audit records and txn.done lines made, sealed, written and logged on a worker thread).
// Imports shared/, trace/, audit/ and switch/; builds no logger (the composition root names one).

export { JournalThread } from './journal-thread.js';
export { resolveJournalOptions } from './journal-options.js';
export type { JournalStore, JournalThreadOptions, ResolvedJournalOptions } from './journal-options.js';
export type { LineLogger, LineLoggerFactory } from './journal-protocol.js';
export { txnLines } from './txn-lines.js';
