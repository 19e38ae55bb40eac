// SafError: every error the store-and-forward queue throws on purpose. Messages name the
// directory, files, lines, byte offsets, entry ids and field numbers, never field contents.

import { SwitchError } from '../shared/index.js';

/** SAF_OPEN_FAILED, SAF_LOCKED, SAF_WRITE_FAILED, SAF_CLOSED, SAF_BAD_LOG, SAF_DIR_NOT_FOUND, SAF_KEY_MISSING, SAF_KEY_INVALID, SAF_BAD_ENTRY, SAF_FORBIDDEN_FIELD, SAF_ENTRY_NOT_FOUND. */
export class SafError extends SwitchError {}
