// SwitchError: the base of every error isotrace throws on purpose. Imports nothing but the registry.
// Error text never carries field contents: only lengths, positions and kinds.

import type { ErrorCode } from './error-codes.js';

export class SwitchError extends Error {
  /** Stable SCREAMING_SNAKE code from the registry; callers match on it, never on the text. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
