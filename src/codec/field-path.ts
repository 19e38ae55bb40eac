// FieldPath: where a value travels in a message: a whole text field (`63`) or a tagged subelement
// of one (`48:TP`, see subelements.ts). Parsing, checking against a spec, reading and writing.
// Pure; throws only DecodeError and EncodeError.

import type { IsoMessage } from './message.js';
import type { MessageSpec } from './spec.js';
import { SUBELEMENT_HEADER_CHARS, isSubelementTag, readSubelement, removeSubelement, writeSubelement } from './subelements.js';

export interface FieldPath {
  /** The DE number. */
  readonly de: number;
  /** The subelement's 2-character tag; null when the value is the whole field. */
  readonly tag: string | null;
}

const PATH_RE = /^(\d{1,3})(?::(.*))?$/;

/** `63` or `48:TP` as a FieldPath; null when the text has neither form (the DE is not checked against a spec here). */
export function parseFieldPath(text: string): FieldPath | null {
  const m = PATH_RE.exec(text);
  if (m === null) return null;
  const de = Number(m[1]);
  if (de < 2 || de > 128) return null;
  if (m[2] === undefined) return Object.freeze({ de, tag: null });
  return isSubelementTag(m[2]) ? Object.freeze({ de, tag: m[2] }) : null;
}

/** The path as parseFieldPath reads it: `63`, `48:TP`. */
export function fieldPathText(path: FieldPath): string {
  return path.tag === null ? String(path.de) : `${path.de}:${path.tag}`;
}

/**
 * Why `spec` cannot carry `chars` characters of `-`-separated hex (a traceparent, say) at `path`,
 * or null when it can: the field must be defined, of class ans, of variable length and long enough
 * (with the tag's and length's 5 characters for a subelement).
 */
export function fieldPathProblem(spec: MessageSpec, path: FieldPath, chars: number): string | null {
  const f = spec.fields[path.de];
  if (f === undefined) return `spec ${spec.name} does not define field ${path.de}`;
  if (f.class !== 'ans') return `field ${path.de} of spec ${spec.name} is of class ${f.class}; a trace context needs class ans`;
  const needed = path.tag === null ? chars : chars + SUBELEMENT_HEADER_CHARS;
  if (f.length < needed) return `field ${path.de} of spec ${spec.name} holds at most ${f.length} characters; ${needed} are needed`;
  // A fixed field would pad the value (or the run of subelements) to a length nobody reads back.
  if (f.prefix === 'fixed') return `field ${path.de} of spec ${spec.name} is of fixed length ${f.length}; a trace context needs a variable-length field`;
  return null;
}

/**
 * The text at `path` in `msg`, or null when absent (the field is not there, not text, or has no
 * such subelement).
 * @throws DecodeError CODEC_BAD_SUBELEMENT when the field's subelements do not parse.
 */
export function readFieldPath(msg: IsoMessage, path: FieldPath): string | null {
  const v = msg.get(path.de);
  if (typeof v !== 'string') return null;
  return path.tag === null ? v : readSubelement(v, path.tag, path.de);
}

/**
 * Sets the text at `path` in `msg` (other subelements of the field kept).
 * @throws EncodeError CODEC_BAD_VALUE, DecodeError CODEC_BAD_SUBELEMENT (see writeSubelement).
 */
export function writeFieldPath(msg: IsoMessage, path: FieldPath, text: string): void {
  if (path.tag === null) {
    msg.set(path.de, text);
    return;
  }
  const v = msg.get(path.de);
  msg.set(path.de, writeSubelement(typeof v === 'string' ? v : undefined, path.tag, text, path.de));
}

/**
 * Takes the value at `path` out of `msg`: the whole field, or the subelement (the field itself goes
 * when nothing else is left in it).
 * @throws DecodeError CODEC_BAD_SUBELEMENT when the field's subelements do not parse.
 */
export function removeFieldPath(msg: IsoMessage, path: FieldPath): void {
  if (path.tag === null) {
    msg.unset(path.de);
    return;
  }
  const v = msg.get(path.de);
  if (typeof v !== 'string') return;
  const rest = removeSubelement(v, path.tag, path.de);
  if (rest === '') msg.unset(path.de);
  else msg.set(path.de, rest);
}
