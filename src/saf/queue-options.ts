// SafQueue options: the frozen defaults, eager validation (ConfigError naming `saf.<option>` and
// its range) and the retry backoff they define.

import { NODE_AUDIT_FS, type AuditFs } from '../audit/index.js';
import { checkInteger, checkKnownKeys, ConfigError, NOOP_LOGGER, type Logger } from '../common/index.js';

/** Where `serve` keeps the queue and `isotrace saf` reads it unless told otherwise (relative to the working directory). */
export const DEFAULT_SAF_DIR = './var/saf';

export interface SafQueueOptions {
  /** The queue's directory; created when missing. */
  dir: string;
  /** Wait after the first send before a repeat is due, ms (default 1000); doubles per send. */
  retryInitialMs?: number;
  /** The longest wait between sends, ms (default 60000). */
  retryMaxMs?: number;
  /** Rewrite the log as its owed entries alone once it passes this size, bytes (default 1 MiB); always once nothing is owed. */
  compactAtBytes?: number;
  logger?: Logger;
  /** Wall-clock ms since the epoch (default Date.now): createdAt, attempts, backoff. */
  nowMs?: () => number;
  /** The file calls of the append path (tests inject failures and count syncs). */
  fs?: AuditFs;
}

export const DEFAULT_SAF_QUEUE_OPTIONS = Object.freeze({
  retryInitialMs: 1000,
  retryMaxMs: 60_000,
  compactAtBytes: 1024 * 1024,
  logger: NOOP_LOGGER as Logger,
  nowMs: Date.now as () => number,
  fs: NODE_AUDIT_FS,
});

/** The bounds [min, max] of each numeric option, inclusive. */
export const SAF_OPTION_RANGES = Object.freeze({
  retryInitialMs: [1, 86_400_000],
  retryMaxMs: [1, 86_400_000],
  compactAtBytes: [1024, 2 ** 40],
} as const);

const KNOWN = Object.freeze({ dir: '', ...DEFAULT_SAF_QUEUE_OPTIONS });
const RENAMED: Readonly<Record<string, string>> = Object.freeze({
  safDir: 'dir', directory: 'dir', backoffMs: 'retryInitialMs', retryMs: 'retryInitialMs', maxBackoffMs: 'retryMaxMs',
  clock: 'nowMs', now: 'nowMs', log: 'logger',
});

export type ResolvedSafQueueOptions = Readonly<Required<SafQueueOptions>>;

/**
 * Defaults filled in and every option checked.
 * @throws ConfigError naming the first invalid option (`saf.dir`, `saf.retryMaxMs`, ...).
 */
export function resolveSafQueueOptions(options: SafQueueOptions): ResolvedSafQueueOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('saf', 'expected an options object');
  checkKnownKeys('saf', options, KNOWN, RENAMED);
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULT_SAF_QUEUE_OPTIONS, ...given } as Required<SafQueueOptions>;
  if (typeof o.dir !== 'string' || o.dir === '') throw new ConfigError('saf.dir', 'required: the directory of the queue, e.g. ./var/saf');
  checkInteger('saf.retryInitialMs', o.retryInitialMs, ...SAF_OPTION_RANGES.retryInitialMs);
  checkInteger('saf.retryMaxMs', o.retryMaxMs, o.retryInitialMs, SAF_OPTION_RANGES.retryMaxMs[1]);
  checkInteger('saf.compactAtBytes', o.compactAtBytes, ...SAF_OPTION_RANGES.compactAtBytes);
  if (typeof (o.logger as Partial<Logger> | null)?.error !== 'function') throw new ConfigError('saf.logger', 'expected a Logger (from src/common)');
  if (typeof o.nowMs !== 'function') throw new ConfigError('saf.nowMs', 'expected a function returning wall-clock ms');
  if (typeof (o.fs as Partial<AuditFs> | null)?.write !== 'function') throw new ConfigError('saf.fs', 'expected an AuditFs (from src/audit)');
  return Object.freeze(o);
}

/** The wait after send number `attempts` (1 = the first): retryInitialMs doubling, at most retryMaxMs. */
export function backoffMs(o: Pick<ResolvedSafQueueOptions, 'retryInitialMs' | 'retryMaxMs'>, attempts: number): number {
  return Math.min(o.retryMaxMs, o.retryInitialMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
}
