// The journal thread's options: checked once, by resolveJournalOptions, into a frozen whole that
// JournalThread.open takes as it is (the CLI resolves them before it binds its port). Throws only
// ConfigError; never echoes the key.

import { resolveAuditWriterOptions, type AuditBatchStats, type AuditMode, type AuditWriterOptions } from '../audit/index.js';
import { checkInteger, ConfigError, type Logger } from '../common/index.js';
import type { TxnLogConnection } from '../store/index.js';

/** The transaction log in PostgreSQL (--store) the journal writes to instead of the audit directory. */
export interface JournalStore {
  /** How the journal thread connects (txnLogConnectionOf(store)). */
  readonly connection: TxnLogConnection;
  /** The node whose chain it extends: the id the process holds (Store.nodeId). */
  readonly nodeId: string;
}

export interface JournalThreadOptions {
  /** The audit directory; unused with `store`. */
  dir: string;
  /** Write the records to the transaction log in PostgreSQL instead of `dir`; null (default): the files. */
  store?: JournalStore | null;
  /** `strict`: record() resolves once the record is on disk. `async`: at once. */
  mode: AuditMode;
  key: Buffer | null;
  maxFileBytes?: number;
  /** Rotated files older than this many days are deleted (0: kept). */
  retentionDays?: number;
  /** The oldest rotated files are deleted while the log passes this many bytes (0: no limit). */
  retentionBytes?: number;
  /** The writer's own lines (audit.opened, audit.write_failed, …), and txn.done lines when `logDest` is null. */
  logger?: Logger;
  /**
   * The worker logs txn.done lines itself at `logLevel` on this fd, or appends them to this file
   * (reopened by JournalThread.reopenLog): the process logger's own destination; null: through `logger`.
   */
  logDest?: number | string | null;
  logLevel?: string;
  /** With `logDest`: the URL of the module whose `createLogger` (a LineLoggerFactory) makes the worker's logger. */
  logModule?: string;
  /** With `logDest`: the `service` of the worker's lines, the process logger's own. Default `isotrace`. */
  logService?: string;
  /** Where the worker's writer counts and times each batch for metrics, over a SharedArrayBuffer; null (default): nothing is. */
  batchStats?: AuditBatchStats | null;
}

export interface ResolvedJournalOptions {
  /** The audit log's options, as the worker's AuditWriter opens it (its mode is the journal's). */
  readonly audit: Readonly<Required<AuditWriterOptions>>;
  readonly log: Readonly<{ module: string; dest: number | string; level: string; service: string }> | null;
  readonly store: JournalStore | null;
}

const RESOLVED = new WeakSet<object>();

/**
 * Defaults filled in and every option checked; given options already resolved, returns them as
 * they are.
 * @throws ConfigError naming the first invalid option (`audit.dir`, `audit.mode`, …, `journal.logDest`, `journal.logModule`, `journal.logService`).
 */
export function resolveJournalOptions(options: JournalThreadOptions | ResolvedJournalOptions): ResolvedJournalOptions {
  if (RESOLVED.has(options)) return options as ResolvedJournalOptions;
  const { logDest = null, logLevel = 'info', logModule, logService = 'isotrace', store = null, ...audit } = options as JournalThreadOptions;
  const resolvedAudit = resolveAuditWriterOptions(audit);
  let log: ResolvedJournalOptions['log'] = null;
  if (logDest !== null) {
    if (typeof logDest === 'string') {
      if (logDest === '') throw new ConfigError('journal.logDest', 'expected a file descriptor or a file path, got an empty path');
    } else checkInteger('journal.logDest', logDest, 0, 2 ** 31 - 1);
    if (typeof logModule !== 'string' || logModule === '') {
      throw new ConfigError('journal.logModule', 'required with logDest: the URL of a module exporting createLogger(level, dest, isSync)');
    }
    if (typeof logService !== 'string' || logService === '') throw new ConfigError('journal.logService', 'expected a non-empty service name');
    log = Object.freeze({ module: logModule, dest: logDest, level: logLevel, service: logService });
  }
  const resolved: ResolvedJournalOptions = Object.freeze({ audit: resolvedAudit, log, store: store === null ? null : Object.freeze({ connection: Object.freeze({ ...store.connection }), nodeId: store.nodeId }) });
  RESOLVED.add(resolved);
  return resolved;
}
