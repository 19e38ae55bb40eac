// Byte tables built once at load: which bytes each field class admits, BCD digit pairs, and the
// EBCDIC (code page 1047, as jPOS uses) mapping of printable ASCII. Pure data, no I/O.

import type { FieldClass } from './spec.js';

const DIGIT = 1;
const ALPHA = 2;
const SPACE = 4;
const SPECIAL = 8;
const EQUALS = 16;

/** Class bits of each byte value (ASCII); 0 for bytes no text class admits. */
export const BYTE_CLASS = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) {
  if (c >= 0x30 && c <= 0x39) BYTE_CLASS[c] = DIGIT;
  else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) BYTE_CLASS[c] = ALPHA;
  else if (c === 0x20) BYTE_CLASS[c] = SPACE | SPECIAL;
  else BYTE_CLASS[c] = c === 0x3d ? SPECIAL | EQUALS : SPECIAL;
}

/**
 * Class bits a field admits. Fixed a/an fields are space-filled on the wire, so a and an admit the
 * space; ans and ns admit every printable ASCII character of their kind; z is digits and '='.
 */
export const CLASS_MASK: Record<FieldClass, number> = {
  n: DIGIT,
  a: ALPHA | SPACE,
  an: ALPHA | DIGIT | SPACE,
  ans: ALPHA | DIGIT | SPACE | SPECIAL,
  ns: DIGIT | SPECIAL,
  z: DIGIT | EQUALS,
  'x+n': DIGIT,
  b: 0,
};

/** A short name for the class, used in error text: "non-digit in n 12", "character outside an". */
export function classWord(cls: FieldClass): string {
  return cls === 'n' || cls === 'x+n' ? 'digit' : cls;
}

/** Two-character strings for each byte whose nibbles are both decimal digits; '' otherwise. */
export const BCD_PAIR: string[] = new Array(256).fill('');
/** As BCD_PAIR, but nibble D reads as '=' (track 2 in BCD). */
export const BCD_PAIR_Z: string[] = new Array(256).fill('');
const NIBBLE_Z = '0123456789?????='.split('').map((c, i) => (i === 13 ? '=' : c));
for (let b = 0; b < 256; b++) {
  const hi = b >> 4;
  const lo = b & 15;
  if (hi <= 9 && lo <= 9) BCD_PAIR[b] = `${hi}${lo}`;
  const zHi = hi <= 9 || hi === 13;
  const zLo = lo <= 9 || lo === 13;
  if (zHi && zLo) BCD_PAIR_Z[b] = NIBBLE_Z[hi] + NIBBLE_Z[lo];
}

/** Uppercase hex of every byte value. */
export const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

/** Value of a hex digit byte ('0'-'9', 'A'-'F', 'a'-'f'), or -1. */
export const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[0x41 + i] = 10 + i;
  HEX_VALUE[0x61 + i] = 10 + i;
}

// EBCDIC code page 1047 for printable ASCII 0x20..0x7E, in ASCII order.
const EBCDIC_PRINTABLE = [
  0x40, 0x5a, 0x7f, 0x7b, 0x5b, 0x6c, 0x50, 0x7d, 0x4d, 0x5d, 0x5c, 0x4e, 0x6b, 0x60, 0x4b, 0x61,
  0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0x7a, 0x5e, 0x4c, 0x7e, 0x6e, 0x6f,
  0x7c, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6,
  0xd7, 0xd8, 0xd9, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xad, 0xe0, 0xbd, 0x5f, 0x6d,
  0x79, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96,
  0x97, 0x98, 0x99, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xc0, 0x4f, 0xd0, 0xa1,
];

/** ASCII byte -> EBCDIC byte for printable ASCII; 0 where there is no mapping. */
export const ASCII_TO_EBCDIC = new Uint8Array(256);
/** EBCDIC byte -> ASCII byte for the printable set; 0 where there is no mapping. */
export const EBCDIC_TO_ASCII = new Uint8Array(256);
EBCDIC_PRINTABLE.forEach((e, i) => {
  ASCII_TO_EBCDIC[0x20 + i] = e;
  EBCDIC_TO_ASCII[e] = 0x20 + i;
});
