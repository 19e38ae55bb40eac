// Public surface of src/switch: the Switch, its environment, routing, result codes. No sockets.

export { Switch } from './switch.js';
export type { DeliveredAdvice } from './advice-record.js';
export type { SwitchCounters } from './switch.js';
export { InlineJournal } from './journal.js';
export type { AuditAppender, TxnJournal } from './journal.js';
export { TxnOutcome } from './txn-outcome.js';
export type { OutcomeWire } from './txn-outcome.js';
export { txnDoneJson, txnDoneMessage, txnLogLine } from './txn-done.js';
export type { TxnFailure } from './txn-done.js';
export { TxnContext } from './context.js';
export type { ConnectionInfo, TxnKind, ErrorInfo } from './context.js';
export type { SwitchEnv } from './env.js';
export { BinTable } from './routing.js';
export type { Route, RouteEntry } from './routing.js';
export { DuplicateCache, DEFAULT_DUPLICATE_CACHE } from './duplicates.js';
export type { DuplicateCacheOptions, CachedAnswer } from './duplicates.js';
export { OriginalsTable, DEFAULT_ORIGINALS } from './originals.js';
export { RC, RC_MEANINGS, responseCodeFor } from './result-codes.js';
export type { ResponseCodes } from './result-codes.js';
export { ACTION_CODES, ACTION_CODE_MEANINGS, ISSUER_TO_ACTION_CODE, actionCodeOf, systemErrorLike } from './action-codes.js';
export { DIALECT_1987, DIALECT_1993, dialectOf } from './dialect.js';
export type { Dialect } from './dialect.js';
export { isLuhnValid, panOf, expiryOf, amountOf, stanOf, terminalOf, merchantOf, acquirerOf, rrnOf } from './fields.js';
export { kindOf } from './stages/validate.js';
export { STAGES } from './pipeline.js';
export { ABORT, COMMIT } from './commit.js';
export type { CommitEnv, Participant } from './commit.js';
