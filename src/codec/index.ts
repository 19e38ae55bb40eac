// Public surface of src/codec: bytes <-> IsoMessage under a spec. Pure, synchronous, no I/O.

export { Codec } from './codec.js';
export { IsoMessage, toHex } from './message.js';
export type { FieldValue } from './encodings.js';
export { DecodeError, EncodeError, SpecError } from './errors.js';
export type { FieldRef } from './errors.js';
export { validateSpec, validateField, specVersion, FIELD_CLASSES, DATA_ENCODINGS, SENSITIVITIES, SPEC_VERSIONS } from './spec.js';
export type { FieldSpec, MessageSpec, SpecFile, FieldClass, DataEncoding, Prefix, Sensitivity, SpecVersion } from './spec.js';
export { BUILTIN_SPECS, builtinSpec, builtinSpecNames, builtinCodec, specFromFile } from './specs/index.js';
export { decodeTlv, encodeTlv } from './tlv.js';
export { MAX_SUBELEMENT_CHARS, SUBELEMENT_HEADER_CHARS, isSubelementTag, readSubelement, removeSubelement, writeSubelement } from './subelements.js';
export { fieldPathProblem, fieldPathText, parseFieldPath, readFieldPath, removeFieldPath, writeFieldPath } from './field-path.js';
export type { FieldPath } from './field-path.js';
export type { TlvNode } from './tlv.js';
export { maskPan, safeText, safeFieldMap, valueText, REDACTED } from './mask.js';
export { describe, formatOf } from './describe.js';
export type { DescribeOptions } from './describe.js';
export { toJson, fromJson } from './json.js';
export type { MessageJson, TlvJson } from './json.js';
export { describeMti, isResponseMti, responseMti } from './mti.js';
export { isLuhnValid } from './luhn.js';
export { currencyExponent } from './currency.js';
export { yymmUtc } from './expiry.js';
export { NETWORK_CODES, NETWORK_CODES_93, networkCodeMeanings } from './network-codes.js';
export type { NetworkCodes } from './network-codes.js';
export { localDate87, localDateTime93, localTime87, transmissionTime } from './transmission-time.js';
export { RESPONSE_ECHO_FIELDS } from './response-echo.js';
export { ISSUER_TO_ACTION_CODE, actionCodeOf, responseCodeOf } from './edition-codes.js';
