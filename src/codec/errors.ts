// Codec errors: DecodeError, EncodeError, SpecError. Each names the field and the absolute byte
// offset, never the field's content.

import { SwitchError, type ErrorCode } from '../common/index.js';

/** Where a codec error happened: a DE number, or one of the message's framing elements. */
export type FieldRef = number | 'mti' | 'bitmap' | 'header' | 'message';

export interface CodecErrorInfo {
  /** DE number, or 'mti' / 'bitmap' / 'header' / 'message'. */
  field: FieldRef;
  /** Absolute byte offset where the failing element starts in the buffer (or would start). */
  offset: number;
  /** What was wrong, without content: lengths, positions, kinds. */
  detail: string;
  expected?: number | string;
  actual?: number | string;
}

function label(field: FieldRef): string {
  return typeof field === 'number' ? `field ${field}` : field;
}

abstract class CodecError extends SwitchError {
  readonly field: FieldRef;
  readonly offset: number;
  readonly detail: string;
  readonly expected: number | string | undefined;
  readonly actual: number | string | undefined;

  constructor(code: ErrorCode, info: CodecErrorInfo, options?: { cause?: unknown }) {
    super(code, `${label(info.field)}: ${info.detail} (byte ${info.offset})`, options);
    this.field = info.field;
    this.offset = info.offset;
    this.detail = info.detail;
    this.expected = info.expected;
    this.actual = info.actual;
  }
}

/** Bytes that do not form a valid message under the spec. */
export class DecodeError extends CodecError {}

/** A message that cannot be encoded without producing malformed bytes. */
export class EncodeError extends CodecError {}

/** A spec that is malformed. `path` names the spec and field, e.g. `iso87ascii field 35`. */
export class SpecError extends SwitchError {
  readonly path: string;
  constructor(code: ErrorCode, path: string, detail: string, options?: { cause?: unknown }) {
    super(code, `${path}: ${detail}`, options);
    this.path = path;
  }
}
