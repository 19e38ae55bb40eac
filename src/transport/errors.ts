// Transport errors: FramingError (bad length header, frame over the limit), ConnectionError (a link
// or connection that cannot carry the work) and TimeoutError. Text names lengths and offsets only.

import { SwitchError, type ErrorCode } from '../common/index.js';

/** What a FramingError knows, without any frame content. */
export interface FramingErrorInfo {
  /** The framing in force, e.g. `ascii4`. */
  framing: string;
  /** Byte in the connection's stream (or in the frame being encoded) where the header starts. */
  offset: number;
  /** What was wrong: kinds and lengths only. */
  detail: string;
  /** The announced or requested body length, when known. */
  length?: number;
}

/** A byte stream that breaks the framing rules; the connection carrying it is closed. */
export class FramingError extends SwitchError {
  readonly framing: string;
  readonly offset: number;
  readonly detail: string;
  readonly length: number | undefined;

  constructor(code: ErrorCode, info: FramingErrorInfo, options?: { cause?: unknown }) {
    super(code, `${info.framing}: ${info.detail} (byte ${info.offset})`, options);
    this.framing = info.framing;
    this.offset = info.offset;
    this.detail = info.detail;
    this.length = info.length;
  }
}

/** A connection or link that cannot carry the work: down, closed, busy, refused. */
export class ConnectionError extends SwitchError {}

/** Something that did not happen within its allowed time. `timeoutMs` is the limit in force. */
export class TimeoutError extends SwitchError {
  readonly timeoutMs: number;

  constructor(code: ErrorCode, message: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(code, message, options);
    this.timeoutMs = timeoutMs;
  }
}
