// Public surface of src/audit: the record type, the writer (group commit, hash chain, rotation,
// crash repair), the verifier and the reader. Imports only shared/.

export { AuditWriter } from './writer.js';
export type { AuditWriterStats } from './writer.js';
export { AuditBatchStats, RECORDS_PER_BATCH_BUCKETS } from './batch-stats.js';
export { AUDIT_MODES, AUDIT_OPTION_RANGES, DEFAULT_AUDIT_DIR, DEFAULT_AUDIT_WRITER_OPTIONS, resolveAuditWriterOptions } from './writer-options.js';
export type { AuditMode, AuditWriterOptions } from './writer-options.js';
export { NODE_AUDIT_FS, NODE_AUDIT_FS_SYNC } from './audit-fs.js';
export type { AuditFs } from './audit-fs.js';
export { AuditError, systemCode } from './errors.js';
export { cutTornTail } from './repair.js';
export type { TailContext } from './repair.js';
export { GENESIS_HASH, chainDigest, checkLine, hashOfSealed, parseLine, sealedBytesMax, sealInto } from './chain.js';
export type { Digest, ParsedLine } from './chain.js';
export { auditFileName, listAuditFiles } from './files.js';
export type { AuditFileName } from './files.js';
export { verifyAudit } from './verify.js';
export { HEAD_FILE } from './head.js';
export type { VerifyResult } from './verify.js';
export { asAuditRecordText, auditRecordProblem, isCompactRecord, isStoredAuditRecord } from './record.js';
export type {
  AuditErrorInfo, AuditOutcome, AuditRecord, AuditRecordText, AuditRequest, AuditResponse, AuditRoute, AuditSource, AuditStage,
  ChainKeys, ChainMark, CompactAuditRecord, StoredAuditRecord, StoredFullAuditRecord,
} from './record.js';
export { readAudit } from './reader.js';
export type { AuditEntry, ReadAuditOptions } from './reader.js';
export { findAuditRecords, lastAuditEntries, matchesKey, matchesQuery, queryAudit, receivedAtMs } from './query.js';
export type { AuditQuery } from './query.js';
export type { CommitGroup } from './commit-group.js';
export { CommitQueue } from './commit-queue.js';
export { GroupCommit } from './group-commit.js';
export type { GroupCommitOptions } from './group-commit.js';
export { appendSynced } from './append-synced.js';
export type { CommitBatch, CommitQueueOptions } from './commit-queue.js';
export { AUDIT_LOCK_OWNER, AuditLock, LOCK_FILE } from './lock.js';
export type { AuditLockHolder, LockOwner } from './lock.js';
export { makeDirectory } from './make-directory.js';
export { auditRecordJson, isoMicros } from './record-text.js';
export type { RandomBytes } from './record-text.js';
export { REQUEST, RESPONSE } from './finished-txn.js';
export type { FinishedTxn } from './finished-txn.js';
