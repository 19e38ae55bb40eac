// The messages between JournalThread (main thread) and its worker. Finished transactions go over,
// in their wire form, in one batch per event-loop turn (strict mode: up to 16 each); each batch is
// answered once its records are on disk or failed.

import type { AuditMode, AuditWriterStats } from '../audit/index.js';
import type { LogLevel, Logger } from '../common/index.js';
import type { OutcomeWire } from '../switch/index.js';
import type { JournalStore } from './journal-options.js';

/**
 * The worker's own logger, for txn.done lines written straight to the process's log destination:
 * what `createLogger(level, dest, isSync, service)`, exported by the module the composition root names (see
 * JournalThreadOptions.logModule), returns. The journal builds no logger itself.
 */
export interface LineLogger {
  logger: Logger;
  /** The logger's bindings as it writes them into each line (`,"service":"isotrace"`). */
  bindings: string;
  /** Appends ready-made lines to the logger's destination. */
  write(lines: string): void;
  /** Writes out what is buffered. */
  flush(): void;
  /** A file destination: opens its path again (logrotate); an fd: nothing. */
  reopen(): void;
}

/**
 * `dest`: a file descriptor, or a file path opened for append (and reopened by LineLogger.reopen);
 * `service`: the `service` of every line, as the process's own logger has it.
 */
export type LineLoggerFactory = (level: string, dest: number | string, isSync: boolean, service: string) => LineLogger;

/** What the worker starts with (workerData). */
export interface JournalInit {
  dir: string;
  key: Uint8Array | null;
  maxFileBytes: number;
  retentionDays: number;
  retentionBytes: number;
  mode: AuditMode;
  /** Async mode: how much the worker lowers its own scheduling priority (nice), being off the answers' path. */
  niceBy: number;
  /** Where the worker writes txn.done lines itself (a LineLogger from `module` on this fd or file at this level); null: it sends them back to the main thread's logger. */
  log: { module: string; dest: number | string; level: string; service: string } | null;
  /** The buffer of the main thread's AuditBatchStats, which the worker's writer updates per batch; null: no metrics. */
  batchStats: SharedArrayBuffer | null;
  /** The transaction log in PostgreSQL the worker writes to instead of `dir`; null: the files. */
  store: JournalStore | null;
}

export interface Failure {
  code: string;
  message: string;
}

export type ToWorker = { t: 'batch'; n: number; outcomes: OutcomeWire[] } | { t: 'reopen-log' } | { t: 'close' };

export type ToMain =
  | { t: 'opened'; nice: number }
  | ({ t: 'open-failed' } & Failure)
  | { t: 'done'; n: number }
  | ({ t: 'failed'; n: number } & Failure)
  | { t: 'log'; level: LogLevel; obj: object; msg: string }
  | { t: 'closed'; stats: AuditWriterStats; head: string; error: Failure | null };
