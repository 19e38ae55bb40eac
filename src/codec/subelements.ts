// Tagged subelements of a private text field (DE 48 as jPOS's private-use tag formats write it):
// a run of `TT` + `LLL` + value, where TT is a 2-character tag (letters, digits), LLL the value's
// length in 3 decimal digits and the value that many characters. Pure text; throws only
// DecodeError (a run that does not parse) and EncodeError (a tag or value that cannot be written).

import { DecodeError, EncodeError } from './errors.js';

/** The tag's width and the length's digits: `TP055...`. */
const TAG_CHARS = 2;
const LENGTH_DIGITS = 3;
/** What a subelement adds to its value: tag and length. */
export const SUBELEMENT_HEADER_CHARS = TAG_CHARS + LENGTH_DIGITS;
/** The most characters one subelement's value may hold (LLL). */
export const MAX_SUBELEMENT_CHARS = 999;
const TAG_RE = /^[0-9A-Za-z]{2}$/;

/** True when `tag` is a valid subelement tag: exactly two letters or digits. */
export function isSubelementTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** The length digits at data[at, at + 3) as a number, or -1 when one is not a digit. */
function lengthAt(data: string, at: number): number {
  let n = 0;
  for (let i = at; i < at + LENGTH_DIGITS; i++) {
    const d = data.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Where the subelement `tag` lies in `data`: [start of its tag, end of its value), or null when
 * absent. The whole run is checked up to the tag found.
 * @throws DecodeError CODEC_BAD_SUBELEMENT naming `field` and the offset (`base` + position) of a
 *   truncated tag, a non-digit length or a value running past the end.
 */
function locate(data: string, tag: string, field: number, base: number): [number, number] | null {
  let at = 0;
  while (at < data.length) {
    const bad = (detail: string): DecodeError => new DecodeError('CODEC_BAD_SUBELEMENT', { field, offset: base + at, detail });
    if (at + SUBELEMENT_HEADER_CHARS > data.length) throw bad(`subelement header truncated: ${data.length - at} of ${SUBELEMENT_HEADER_CHARS} characters`);
    const length = lengthAt(data, at + TAG_CHARS);
    if (length < 0) throw bad('subelement length is not 3 digits');
    const end = at + SUBELEMENT_HEADER_CHARS + length;
    if (end > data.length) throw bad(`subelement value of ${length} characters runs past the field's end`);
    if (data.startsWith(tag, at)) return [at, end];
    at = end;
  }
  return null;
}

/**
 * The value of subelement `tag` in `data` (a field's text), or null when the field has none.
 * `field` and `base` (the field's offset in the message, when known) place errors.
 * @throws DecodeError CODEC_BAD_SUBELEMENT when the run before or at the tag does not parse.
 */
export function readSubelement(data: string, tag: string, field = 48, base = 0): string | null {
  const found = locate(data, tag, field, base);
  return found === null ? null : data.slice(found[0] + SUBELEMENT_HEADER_CHARS, found[1]);
}

/**
 * `data` (undefined: an empty field) with subelement `tag` set to `value`: replaced in place when
 * present, else appended.
 * @throws EncodeError CODEC_BAD_VALUE for a tag that is not 2 letters or digits, or a value over
 *   999 characters; DecodeError CODEC_BAD_SUBELEMENT when `data` does not parse.
 */
export function writeSubelement(data: string | undefined, tag: string, value: string, field = 48): string {
  if (!isSubelementTag(tag)) throw new EncodeError('CODEC_BAD_VALUE', { field, offset: 0, detail: 'subelement tag must be 2 letters or digits' });
  if (value.length > MAX_SUBELEMENT_CHARS) {
    throw new EncodeError('CODEC_BAD_VALUE', { field, offset: 0, detail: `subelement value of ${value.length} characters exceeds ${MAX_SUBELEMENT_CHARS}`, expected: MAX_SUBELEMENT_CHARS, actual: value.length });
  }
  const text = data ?? '';
  const element = `${tag}${String(value.length).padStart(LENGTH_DIGITS, '0')}${value}`;
  const found = locate(text, tag, field, 0);
  return found === null ? text + element : text.slice(0, found[0]) + element + text.slice(found[1]);
}

/**
 * `data` without subelement `tag` (as is when it has none).
 * @throws DecodeError CODEC_BAD_SUBELEMENT when `data` does not parse.
 */
export function removeSubelement(data: string, tag: string, field = 48): string {
  const found = locate(data, tag, field, 0);
  return found === null ? data : data.slice(0, found[0]) + data.slice(found[1]);
}
