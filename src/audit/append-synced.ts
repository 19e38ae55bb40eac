// appendSynced: one batch onto an append-only file, durably: first cut back what a failed batch
// may have left past the file's known end, then write and fdatasync. Shared by the audit writer
// and the store-and-forward queue; the caller keeps the file's end and its dirty flag.

import type { AuditFs } from './audit-fs.js';

/**
 * Writes `data` at the end of `fd` and syncs it. When `isDirty` (the last batch failed part way),
 * the file is first cut back to `keepBytes`. `step` hears each call's name (`ftruncate`, `write`,
 * `fdatasync`) before it is made, for the caller's error text. The caller marks the file dirty
 * until this resolves.
 * @throws the system error of the failed call.
 */
export async function appendSynced(fs: AuditFs, fd: number, data: Buffer, keepBytes: number, isDirty: boolean, step: (op: string) => void): Promise<void> {
  if (isDirty) {
    step('ftruncate');
    await fs.truncate(fd, keepBytes);
  }
  step('write');
  await fs.write(fd, data);
  step('fdatasync');
  await fs.datasync(fd);
}
