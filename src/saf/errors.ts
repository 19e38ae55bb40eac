// SafError: every error the store-and-forward queue throws on purpose. Messages name the
// directory, files, lines, byte offsets, entry ids and field numbers, never field contents.

import type { LockOwner } from '../audit/index.js';
import { SwitchError } from '../common/index.js';

/** SAF_OPEN_FAILED, SAF_LOCKED, SAF_WRITE_FAILED, SAF_CLOSED, SAF_BAD_LOG, SAF_DIR_NOT_FOUND, SAF_KEY_MISSING, SAF_KEY_INVALID, SAF_BAD_ENTRY, SAF_FORBIDDEN_FIELD, SAF_ENTRY_NOT_FOUND. */
export class SafError extends SwitchError {}

/** The lock's words and codes for a saf directory: SAF_LOCKED, SAF_OPEN_FAILED. */
export const SAF_LOCK_OWNER: LockOwner = Object.freeze({
  noun: 'saf directory',
  takeOverEvt: 'saf.lock_taken_over',
  error: (kind: 'locked' | 'open', message: string, cause?: unknown) => new SafError(kind === 'locked' ? 'SAF_LOCKED' : 'SAF_OPEN_FAILED', message, { cause }),
});
