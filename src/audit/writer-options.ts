// AuditWriter options: the frozen defaults and their eager validation. Throws only ConfigError,
// naming the option path and the allowed range; never echoes the key.

import { checkInteger, checkKnownKeys, checkOneOf, ConfigError, NOOP_LOGGER, type Logger } from '../common/index.js';
import { NODE_AUDIT_FS, type AuditFs } from './audit-fs.js';
import { AuditBatchStats } from './batch-stats.js';

export const AUDIT_MODES = ['strict', 'async'] as const;
export type AuditMode = (typeof AUDIT_MODES)[number];

export interface AuditWriterOptions {
  /** The directory of the log; created when missing. The CLI's default is `./var/audit`. */
  dir: string;
  /** `strict`: append() resolves once the record is on disk. `async`: at once. */
  mode: AuditMode;
  /** HMAC-SHA-256 key (the CLI passes the utf8 bytes of ISOTRACE_AUDIT_KEY), or null for SHA-256. */
  key: Buffer | null;
  /** A new file starts before one would pass this size, bytes (default 64 MiB). */
  maxFileBytes?: number;
  logger?: Logger;
  /** Wall-clock ms, for the UTC day in file names and day rotation (default Date.now). */
  nowMs?: () => number;
  /** The file calls of the append path (tests inject failures and count syncs). */
  fs?: AuditFs;
  /** Delete a rotated file once its last write is older than this many days (default 0: keep). */
  retentionDays?: number;
  /** Delete the oldest rotated files while the log passes this many bytes (default 0: no limit). */
  retentionBytes?: number;
  /** Where each batch is counted and timed for metrics (default null: nothing is). */
  batchStats?: AuditBatchStats | null;
}

/** Where `serve` writes the log and the audit commands read it unless told otherwise (relative to the working directory). */
export const DEFAULT_AUDIT_DIR = './var/audit';

export const DEFAULT_AUDIT_WRITER_OPTIONS = Object.freeze({
  maxFileBytes: 64 * 1024 * 1024,
  logger: NOOP_LOGGER as Logger,
  nowMs: Date.now as () => number,
  fs: NODE_AUDIT_FS,
  retentionDays: 0,
  retentionBytes: 0,
  batchStats: null as AuditBatchStats | null,
});

/** The bounds [min, max] of each numeric option, inclusive: checked here and by the command line's option table. */
export const AUDIT_OPTION_RANGES = Object.freeze({
  maxFileBytes: [1024, 2 ** 40],
  retentionDays: [0, 36_500],
  retentionBytes: [0, 2 ** 50],
} as const);

const KNOWN_OPTIONS = Object.freeze({ dir: '', mode: 'strict', key: null, ...DEFAULT_AUDIT_WRITER_OPTIONS });
const RENAMED: Readonly<Record<string, string>> = Object.freeze({
  auditDir: 'dir', directory: 'dir', path: 'dir', auditMode: 'mode', hmacKey: 'key', auditKey: 'key',
  maxBytes: 'maxFileBytes', maxFileSize: 'maxFileBytes', clock: 'nowMs', now: 'nowMs', log: 'logger',
  retainDays: 'retentionDays', maxAgeDays: 'retentionDays', maxTotalBytes: 'retentionBytes', retainBytes: 'retentionBytes',
});
const FS_CALLS: ReadonlyArray<keyof AuditFs> = ['openAppend', 'write', 'datasync', 'truncate', 'close', 'syncDir', 'openInPlace', 'writeAt'];

/**
 * Defaults filled in and every option checked.
 * @throws ConfigError naming the first invalid option (`audit.dir`, `audit.mode`, `audit.key`, …).
 */
export function resolveAuditWriterOptions(options: AuditWriterOptions): Readonly<Required<AuditWriterOptions>> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('audit', 'expected an options object');
  checkKnownKeys('audit', options, KNOWN_OPTIONS, RENAMED);
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULT_AUDIT_WRITER_OPTIONS, ...given } as Required<AuditWriterOptions>;
  if (typeof o.dir !== 'string' || o.dir === '') throw new ConfigError('audit.dir', 'required: the directory of the audit log, e.g. ./var/audit');
  checkOneOf('audit.mode', o.mode, AUDIT_MODES);
  if (o.key !== null && (!Buffer.isBuffer(o.key) || o.key.length === 0)) {
    throw new ConfigError('audit.key', 'expected a non-empty Buffer (the HMAC key) or null');
  }
  checkInteger('audit.maxFileBytes', o.maxFileBytes, ...AUDIT_OPTION_RANGES.maxFileBytes);
  checkInteger('audit.retentionDays', o.retentionDays, ...AUDIT_OPTION_RANGES.retentionDays);
  checkInteger('audit.retentionBytes', o.retentionBytes, ...AUDIT_OPTION_RANGES.retentionBytes);
  if (typeof (o.logger as Partial<Logger> | null)?.error !== 'function') throw new ConfigError('audit.logger', 'expected a Logger (from src/common)');
  if (typeof o.nowMs !== 'function') throw new ConfigError('audit.nowMs', 'expected a function returning wall-clock ms');
  if (o.batchStats !== null && !(o.batchStats instanceof AuditBatchStats)) throw new ConfigError('audit.batchStats', 'expected an AuditBatchStats or null');
  const fs = o.fs as Partial<AuditFs> | null;
  const missing = FS_CALLS.find((name) => typeof fs?.[name] !== 'function');
  if (missing !== undefined) throw new ConfigError(`audit.fs.${missing}`, 'expected a function (see AuditFs)');
  return Object.freeze(o);
}
