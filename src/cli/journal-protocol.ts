// The messages between JournalThread (main thread) and its worker. Summaries of finished
// transactions go over in one batch per event-loop turn (strict mode: up to 16 each); each batch is
// answered once its records are on disk or failed.

import type { AuditWriterStats } from '../audit/index.js';
import type { TxnSummary } from '../switch/index.js';

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** What the worker starts with (workerData). */
export interface JournalInit {
  dir: string;
  key: Uint8Array | null;
  maxFileBytes: number;
  retentionDays: number;
  retentionBytes: number;
  isStrict: boolean;
  /** Async mode: how much the worker lowers its own scheduling priority (nice), being off the answers' path. */
  niceBy: number;
  /** Where the worker writes txn.done lines itself (pino on this fd at this level); null: it sends them back to the main thread's logger. */
  log: { fd: number; level: string } | null;
}

export interface Failure {
  code: string;
  message: string;
}

export type ToWorker = { t: 'batch'; n: number; summaries: TxnSummary[] } | { t: 'close' };

export type ToMain =
  | { t: 'opened'; nice: number }
  | ({ t: 'open-failed' } & Failure)
  | { t: 'done'; n: number }
  | ({ t: 'failed'; n: number } & Failure)
  | { t: 'log'; level: LogLevelName; obj: object; msg: string }
  | { t: 'closed'; stats: AuditWriterStats; head: string; error: Failure | null };
