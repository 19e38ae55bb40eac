// Retention: deletes the oldest rotated audit files, by age or by the log's total size, never the
// file being written, and never so that what remains cannot be verified: a file goes only when the
// one after it starts with a chain mark (verify starts there). Logs names and sizes, never records.

import { stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../common/index.js';
import type { AuditFs } from './audit-fs.js';
import { listAuditFiles } from './files.js';
import { startsWithChainMark } from './head.js';

const DAY_MS = 86_400_000;

export interface RetentionRule {
  /** Delete a rotated file once its last write is older than this many days; 0: never by age. */
  retentionDays: number;
  /** Delete the oldest rotated files while all audit files together pass this many bytes; 0: no limit. */
  retentionBytes: number;
}

/**
 * Deletes what `rule` says of the audit files in `dir` older than `currentSeq` (the file being
 * written), oldest first, stopping at the first file to keep. Returns the names deleted.
 */
export async function applyRetention(dir: string, currentSeq: number, rule: RetentionRule, ctx: { nowMs: number; logger: Logger; fs: AuditFs }): Promise<string[]> {
  if (rule.retentionDays === 0 && rule.retentionBytes === 0) return [];
  const files = await listAuditFiles(dir);
  const sizes = await Promise.all(files.map(async (f) => stat(join(dir, f.name))));
  let total = sizes.reduce((sum, s) => sum + s.size, 0);
  const deleted: string[] = [];
  for (let i = 0; i + 1 < files.length && files[i].seq < currentSeq; i++) {
    const isOld = rule.retentionDays > 0 && ctx.nowMs - sizes[i].mtimeMs > rule.retentionDays * DAY_MS;
    const isOver = rule.retentionBytes > 0 && total > rule.retentionBytes;
    if (!isOld && !isOver) break;
    // The next file becomes the oldest: without a chain mark (an older writer's) nothing after it could be verified.
    if (!(await startsWithChainMark(join(dir, files[i + 1].name)))) break;
    await unlink(join(dir, files[i].name));
    total -= sizes[i].size;
    deleted.push(files[i].name);
    ctx.logger.info({ evt: 'audit.retention_deleted', file: join(dir, files[i].name), bytes: sizes[i].size, reason: isOld ? 'age' : 'size' }, 'old audit file deleted');
  }
  if (deleted.length > 0) await ctx.fs.syncDir(dir);
  return deleted;
}
