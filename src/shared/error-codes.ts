// The one registry of stable error codes. Never rename a code: callers match on it.
// docs/errors.md lists the same codes; spec/shared/error-codes.spec.ts keeps the two in sync.

export const ERROR_CODES = {
  // codec: decoding
  CODEC_TRUNCATED: 'the message ends inside an element',
  CODEC_TRAILING_BYTES: 'bytes remain after the last field the bitmap announces',
  CODEC_BAD_MTI: 'the MTI is not four digits',
  CODEC_BAD_BITMAP: 'a hex-ASCII bitmap holds a character that is not a hex digit',
  CODEC_EMPTY_BITMAP: 'a secondary or tertiary bitmap is announced but has no bit set',
  CODEC_UNDEFINED_FIELD: 'the bitmap announces a field the spec does not define',
  CODEC_BAD_LENGTH_PREFIX: 'a length prefix holds a non-digit or a BCD nibble above 9',
  CODEC_LENGTH_EXCEEDS_MAX: 'a length exceeds the field maximum',
  CODEC_BAD_DIGIT: 'a numeric field holds a non-digit',
  CODEC_BAD_CHAR: 'a field holds a character outside its class',
  CODEC_BAD_BCD: 'a BCD field holds a nibble that is not a digit',
  CODEC_BAD_PAD: 'a pad nibble differs from the one the spec names',
  CODEC_BAD_SIGN: 'an x+n amount has a sign other than C or D',
  CODEC_BAD_HEX: 'a hex-ASCII binary field holds a non-hex character',
  CODEC_BAD_TLV: 'BER-TLV data is truncated or malformed',
  // codec: encoding
  CODEC_MISSING_MTI: 'the message to encode has no valid MTI',
  CODEC_BAD_VALUE: 'a field value has the wrong type for its class',
  CODEC_BAD_LENGTH: 'a fixed-length value has the wrong length',
  CODEC_BAD_JSON: 'the JSON form of a message is not {"mti": "...", "fields": {...}}',
  // codec: specs
  SPEC_INVALID: 'a spec is malformed: a field definition names an unknown or impossible layout',
  SPEC_NOT_FOUND: 'no built-in spec has that name and no file exists at that path',
  SPEC_EXTEND_CYCLE: 'a spec extends itself through a chain of extends',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is a registered error code. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
