// MappingError: a request or answer that cannot be carried between the terminal's spec and an
// issuer link's. Names the field and the spec, never the field's content.

import { SwitchError, type ErrorCode } from '../common/index.js';

export type MappingErrorCode = Extract<ErrorCode, 'ISSUER_FIELD_UNMAPPABLE' | 'ISSUER_ORIGINAL_INCOMPLETE'>;

export class MappingError extends SwitchError {
  /** The DE that could not be carried or built. */
  readonly field: number;
  /** The spec it was to be carried in (the issuer's for a request, the terminal's for an answer). */
  readonly spec: string;

  constructor(code: MappingErrorCode, field: number, spec: string, detail: string, options?: { cause?: unknown }) {
    super(code, `field ${field}: ${detail} (spec ${spec})`, options);
    this.field = field;
    this.spec = spec;
  }
}
