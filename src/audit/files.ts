// Audit file names and listing: `audit-<UTC yyyymmdd>-<sequence>.ndjson`, in chain order by
// sequence. Torn-line side files (`<file>.torn-<ms>`) do not match the pattern and are never listed.

import { readdir } from 'node:fs/promises';
import { AuditError, systemCode } from './errors.js';

const NAME = /^audit-(\d{8})-(\d{6,})\.ndjson$/;
const DAY_MS = 86_400_000;

/** One audit file of the chain. */
export interface AuditFileName {
  name: string;
  /** UTC day as the number yyyymmdd. */
  day: number;
  /** Position in the chain, from 1; never reused. */
  seq: number;
}

/** The file name for `day` (yyyymmdd) and `seq`; six digits of sequence, more when needed. */
export function auditFileName(day: number, seq: number): string {
  return `audit-${day}-${String(seq).padStart(6, '0')}.ndjson`;
}

/** Parses a name auditFileName made; null for any other file. */
export function parseAuditFileName(name: string): AuditFileName | null {
  const m = NAME.exec(name);
  return m === null ? null : { name, day: Number(m[1]), seq: Number(m[2]) };
}

/** The UTC day of a wall-clock time, as yyyymmdd. */
export function utcDay(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** Wall-clock ms at which the UTC day after `day` (yyyymmdd) starts. */
export function nextDayStartMs(day: number): number {
  return Date.UTC(Math.floor(day / 10_000), (Math.floor(day / 100) % 100) - 1, day % 100) + DAY_MS;
}

/**
 * The audit files in `dir`, in chain order (by sequence).
 * @throws AuditError AUDIT_DIR_NOT_FOUND when `dir` does not exist or is not a directory.
 */
export async function listAuditFiles(dir: string): Promise<AuditFileName[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = systemCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new AuditError('AUDIT_DIR_NOT_FOUND', `${dir}: no such directory`, { cause: err });
    throw new AuditError('AUDIT_OPEN_FAILED', `${dir}: cannot list the directory (${code})`, { cause: err });
  }
  const files: AuditFileName[] = [];
  for (const name of names) {
    const parsed = parseAuditFileName(name);
    if (parsed !== null) files.push(parsed);
  }
  return files.sort((a, b) => a.seq - b.seq || a.day - b.day);
}
