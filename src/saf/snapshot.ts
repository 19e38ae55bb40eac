// Compaction: the log rewritten as its header and one entry line per owed entry, in a temporary
// file that is synced and then renamed over the log (and the directory synced), so a crash leaves
// either the old log or the new one, never a mix. Acknowledged and purged entries' history goes.

import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditFs } from '../audit/index.js';
import { LOG_FILE, LOG_VERSION, lineOf } from './log-lines.js';
import { entryEventOf, type SafTable } from './saf-table.js';

/** The temporary file of a compaction; one left by a crash is deleted at open. */
export const SNAPSHOT_FILE = `${LOG_FILE}.tmp`;

/** The log's text for `table` as it stands: header, then each owed entry in id order. */
export function snapshotText(table: SafTable): string {
  let text = lineOf({ ev: 'log', v: LOG_VERSION, nextId: table.nextId });
  for (const entry of table.entries()) text += lineOf(entryEventOf(table.get(entry.id)!));
  return text;
}

/**
 * Writes `text` to the temporary file and syncs it: nothing has changed yet should this fail.
 * Returns its size in bytes. @throws the system error of a failed fs call.
 */
export async function writeSnapshot(dir: string, text: string, fs: AuditFs): Promise<number> {
  const tmp = join(dir, SNAPSHOT_FILE);
  await rm(tmp, { force: true });
  const data = Buffer.from(text, 'utf8');
  const fd = await fs.openAppend(tmp);
  try {
    await fs.write(fd, data);
    await fs.datasync(fd);
  } finally {
    await fs.close(fd);
  }
  return data.length;
}

/** Renames the synced temporary file over the log: from here on the log is the snapshot. The caller then syncs the directory. */
export async function installSnapshot(dir: string): Promise<void> {
  await rename(join(dir, SNAPSHOT_FILE), join(dir, LOG_FILE));
}
