// Field bodies: how a value of each class is read from and written to the wire in ASCII, EBCDIC,
// BCD, raw binary and hex-ASCII. Callers bounds-check; bodies check content. Throws only codec errors.

import { ASCII_TO_EBCDIC, BCD_PAIR, BCD_PAIR_Z, BYTE_CLASS, CLASS_MASK, EBCDIC_TO_ASCII, HEX_BYTE, HEX_VALUE, classWord } from './charsets.js';
import { DecodeError, EncodeError } from './errors.js';
import type { FieldSpec } from './spec.js';

/** A decoded field value: text for every class but b, which is bytes. */
export type FieldValue = string | Buffer;

/** The message being decoded: its bytes, and the same bytes as one latin1 string for text slices. */
export interface DecodeCursor {
  readonly buf: Buffer;
  readonly str: string;
  /** Byte offset in `buf` of character 0 of `str`. */
  readonly strBase: number;
}

export interface Body {
  /** Wire bytes a value of `len` units occupies. */
  wireBytes(len: number): number;
  /** HOT: reads a value of `len` units at `at`; the caller checked wireBytes(len) bytes are there. */
  decode(cur: DecodeCursor, at: number, len: number, de: number): FieldValue;
  /** Length of `v` in value units; throws EncodeError CODEC_BAD_VALUE when `v` has the wrong type. */
  lengthOf(v: FieldValue, de: number, at: number): number;
  /** HOT: writes `v` as `len` units at `at` (len >= lengthOf(v) pads a fixed field); checks content. */
  write(buf: Buffer, at: number, v: FieldValue, len: number, de: number): void;
}

function badContent(de: number, at: number, cls: FieldSpec['class'], encode: boolean): DecodeError | EncodeError {
  const info = cls === 'n' || cls === 'x+n'
    ? { code: 'CODEC_BAD_DIGIT' as const, detail: `non-digit in ${cls} field` }
    : { code: 'CODEC_BAD_CHAR' as const, detail: `character outside class ${classWord(cls)}` };
  const E = encode ? EncodeError : DecodeError;
  return new E(info.code, { field: de, offset: at, detail: info.detail });
}

function wrongType(de: number, at: number, want: string): EncodeError {
  return new EncodeError('CODEC_BAD_VALUE', { field: de, offset: at, detail: `value must be ${want}` });
}

function textLength(v: FieldValue, de: number, at: number): number {
  if (typeof v !== 'string') throw wrongType(de, at, 'a string');
  return v.length;
}

/** 1 for each byte value the class admits. Bodies capture tables like this one in locals: an
 * imported binding read inside a loop pays a hole check on every read (about 12% of an unpack). */
function allowedBytes(cls: FieldSpec['class']): Uint8Array {
  const mask = CLASS_MASK[cls];
  return BYTE_CLASS.map((bits) => ((bits & mask) !== 0 ? 1 : 0));
}

/** n, z, a, an, ans, ns as ASCII characters; fixed fields pad n left with '0', text right with ' '. */
function asciiTextBody(f: FieldSpec): Body {
  const cls = f.class;
  const allowed = allowedBytes(cls);
  const padLeft = cls === 'n' || cls === 'x+n';
  const pad = padLeft ? 0x30 : 0x20;
  return {
    wireBytes: (len) => len,
    // HOT: checks each byte, then slices the message string: no per-field string from C++.
    decode(cur, at, len, de) {
      const buf = cur.buf;
      const end = at + len;
      for (let i = at; i < end; i++) if (allowed[buf[i]] === 0) throw badContent(de, i, cls, false);
      const base = cur.strBase;
      return cur.str.substring(at - base, end - base);
    },
    lengthOf: textLength,
    // HOT
    write(buf, at, v, len, de) {
      const s = v as string;
      const padding = len - s.length;
      let o = at;
      if (padLeft) for (let k = 0; k < padding; k++) buf[o++] = pad;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 0xff || allowed[c] === 0) throw badContent(de, at, cls, true);
        buf[o++] = c;
      }
      if (!padLeft) for (let k = 0; k < padding; k++) buf[o++] = pad;
    },
  };
}

/** The same classes as EBCDIC (code page 1047) characters: checked and written as ASCII, then mapped. */
function ebcdicTextBody(f: FieldSpec): Body {
  const ascii = asciiTextBody(f);
  const cls = f.class;
  const allowed = allowedBytes(cls);
  const toWire = ASCII_TO_EBCDIC;
  const fromWire = EBCDIC_TO_ASCII;
  return {
    wireBytes: ascii.wireBytes,
    decode(cur, at, len, de) {
      const buf = cur.buf;
      let s = '';
      for (let i = at; i < at + len; i++) {
        const c = fromWire[buf[i]]; // 0 for a byte outside the printable set, which no class admits
        if (allowed[c] === 0) throw badContent(de, i, cls, false);
        s += String.fromCharCode(c);
      }
      return s;
    },
    lengthOf: textLength,
    write(buf, at, v, len, de) {
      ascii.write(buf, at, v, len, de);
      for (let i = at; i < at + len; i++) buf[i] = toWire[buf[i]];
    },
  };
}

/** n and z packed two digits a byte; z reads nibble D as '='. Odd counts carry one pad nibble. */
function bcdBody(f: FieldSpec): Body {
  const pairs = f.class === 'z' ? BCD_PAIR_Z : BCD_PAIR;
  const padNibble = f.padNibble === 'F' ? 15 : 0;
  const padLeft = (f.pad ?? (f.prefix === 'fixed' ? 'left' : 'right')) === 'left';
  const single = (nib: number): string => (nib <= 9 ? String.fromCharCode(0x30 + nib) : nib === 13 && f.class === 'z' ? '=' : '');
  const nibbleOf = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c === 0x3d && f.class === 'z' ? 13 : -1);
  return {
    wireBytes: (len) => (len + 1) >> 1,
    decode(cur, at, len, de) {
      const buf = cur.buf;
      const odd = (len & 1) === 1;
      let i = at;
      let last = at + (len >> 1);
      let s = '';
      if (odd && padLeft) {
        const b = buf[i];
        if (b >> 4 !== padNibble) throw new DecodeError('CODEC_BAD_PAD', { field: de, offset: i, detail: 'left pad nibble differs from the spec' });
        const d = single(b & 15);
        if (d === '') throw new DecodeError('CODEC_BAD_BCD', { field: de, offset: i, detail: 'BCD nibble is not a digit' });
        s = d;
        i++;
        last++;
      }
      for (; i < last; i++) {
        const p = pairs[buf[i]];
        if (p === '') throw new DecodeError('CODEC_BAD_BCD', { field: de, offset: i, detail: 'BCD nibble is not a digit' });
        s += p;
      }
      if (odd && !padLeft) {
        const b = buf[i];
        if ((b & 15) !== padNibble) throw new DecodeError('CODEC_BAD_PAD', { field: de, offset: i, detail: 'right pad nibble differs from the spec' });
        const d = single(b >> 4);
        if (d === '') throw new DecodeError('CODEC_BAD_BCD', { field: de, offset: i, detail: 'BCD nibble is not a digit' });
        s += d;
      }
      return s;
    },
    lengthOf: textLength,
    write(buf, at, v, len, de) {
      const s = v as string;
      if (f.class === 'z' && s.length !== len) throw new EncodeError('CODEC_BAD_LENGTH', { field: de, offset: at, detail: `value has ${s.length} characters, field takes ${len}` });
      const lead = len - s.length; // zero digits that left-justify a short fixed n value
      const total = len + (len & 1);
      const first = (len & 1) === 1 && padLeft ? 1 : 0;
      let o = at;
      let hi = -1;
      for (let k = 0; k < total; k++) {
        const pos = k - first;
        let nib: number;
        if (pos < 0 || pos >= len) nib = padNibble;
        else if (pos < lead) nib = 0;
        else {
          nib = nibbleOf(s.charCodeAt(pos - lead));
          if (nib < 0) throw badContent(de, at, f.class, true);
        }
        if (hi < 0) hi = nib;
        else {
          buf[o++] = (hi << 4) | nib;
          hi = -1;
        }
      }
    },
  };
}

/** x+n: a sign ('C' credit, 'D' debit) then digits; the sign as a character, digits as text or BCD. */
function amountBody(f: FieldSpec): Body {
  const signs = f.signs ?? 'CD';
  const signOk = new Uint8Array(256);
  for (const c of signs) signOk[c.charCodeAt(0)] = 1;
  // The digits keep class x+n: same characters as n, and errors name the field's real class.
  const asDigits: FieldSpec = f;
  const digits = f.data === 'bcd' ? bcdBody(asDigits) : f.data === 'ebcdic' ? ebcdicTextBody(asDigits) : asciiTextBody(asDigits);
  const toWire = f.data === 'ebcdic' ? ASCII_TO_EBCDIC : null;
  const fromWire = f.data === 'ebcdic' ? EBCDIC_TO_ASCII : null;
  return {
    wireBytes: (len) => 1 + digits.wireBytes(len),
    decode(cur, at, len, de) {
      const raw = cur.buf[at];
      const sign = fromWire === null ? raw : fromWire[raw];
      if (signOk[sign] !== 1) throw new DecodeError('CODEC_BAD_SIGN', { field: de, offset: at, detail: `sign is not one of ${signs}` });
      return String.fromCharCode(sign) + (digits.decode(cur, at + 1, len, de) as string);
    },
    lengthOf(v, de, at) {
      if (typeof v !== 'string' || v.length < 2) throw wrongType(de, at, 'a string of a sign and digits');
      return v.length - 1;
    },
    write(buf, at, v, len, de) {
      const s = v as string;
      const sign = s.charCodeAt(0);
      if (signOk[sign] !== 1) throw new EncodeError('CODEC_BAD_SIGN', { field: de, offset: at, detail: `sign is not one of ${signs}` });
      buf[at] = toWire === null ? sign : toWire[sign];
      digits.write(buf, at + 1, s.slice(1), len, de);
    },
  };
}

function bytesLength(v: FieldValue, de: number, at: number): number {
  if (!(v instanceof Uint8Array)) throw wrongType(de, at, 'bytes');
  return v.length;
}

/** b as raw bytes: decoded as a view into the message buffer. */
const BINARY_BODY: Body = {
  wireBytes: (len) => len,
  decode: (cur, at, len) => cur.buf.subarray(at, at + len),
  lengthOf: bytesLength,
  write(buf, at, v) {
    buf.set(v as Buffer, at);
  },
};

/** b as hex-ASCII, two characters a byte (jPOS IFA_BINARY); lowercase accepted, uppercase written. */
const HEX_BODY: Body = {
  wireBytes: (len) => len * 2,
  decode(cur, at, len, de) {
    const buf = cur.buf;
    const hexValue = HEX_VALUE;
    const out = Buffer.allocUnsafe(len); // every byte is written below before anyone reads it
    for (let i = 0; i < len; i++) {
      const hi = hexValue[buf[at + 2 * i]];
      const lo = hexValue[buf[at + 2 * i + 1]];
      if (hi < 0 || lo < 0) throw new DecodeError('CODEC_BAD_HEX', { field: de, offset: at + 2 * i + (hi < 0 ? 0 : 1), detail: 'non-hex character in hex-ASCII binary field' });
      out[i] = (hi << 4) | lo;
    }
    return out;
  },
  lengthOf: bytesLength,
  write(buf, at, v) {
    const bytes = v as Buffer;
    const hexByte = HEX_BYTE;
    for (let i = 0; i < bytes.length; i++) {
      const h = hexByte[bytes[i]];
      buf[at + 2 * i] = h.charCodeAt(0);
      buf[at + 2 * i + 1] = h.charCodeAt(1);
    }
  },
};

/** The body for one validated field definition. */
export function makeBody(f: FieldSpec): Body {
  if (f.class === 'b') return f.data === 'hex' ? HEX_BODY : BINARY_BODY;
  if (f.class === 'x+n') return amountBody(f);
  if (f.data === 'bcd') return bcdBody(f);
  return f.data === 'ebcdic' ? ebcdicTextBody(f) : asciiTextBody(f);
}
