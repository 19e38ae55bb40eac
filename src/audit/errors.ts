// AuditError: every error the audit layer throws on purpose. Messages name files, lines, byte
// counts and system error codes, never record contents.

import { SwitchError } from '../common/index.js';

/** AUDIT_WRITE_FAILED, AUDIT_OPEN_FAILED, AUDIT_LOCKED, AUDIT_CLOSED, AUDIT_BAD_RECORD, AUDIT_DIR_NOT_FOUND, AUDIT_HEAD_MISMATCH, AUDIT_KEY_REQUIRED. */
export class AuditError extends SwitchError {}

/** The system error code of a failed fs call (`ENOSPC`, `EROFS`), or `error` when it has none. */
export function systemCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : 'error';
}
