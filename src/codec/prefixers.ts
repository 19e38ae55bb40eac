// Length prefixes: fixed (none), and L/LL/LLL/LLLL in ASCII, BCD, binary and EBCDIC digits.
// read() returns the count the prefix carries; the caller bounds-checks before calling.

import { DecodeError } from './errors.js';
import { parsePrefix, prefixCapacity, type Prefix } from './spec.js';

export interface Prefixer {
  /** Bytes the prefix occupies on the wire (0 when fixed). */
  readonly width: number;
  /** Largest count the prefix can carry. */
  readonly capacity: number;
  /** HOT: the count at `at`; throws DecodeError CODEC_BAD_LENGTH_PREFIX naming `de`. */
  read(buf: Buffer, at: number, de: number): number;
  /** Writes `count` at `at`; the count was checked against capacity by the caller. */
  write(buf: Buffer, at: number, count: number): void;
}

const DIGIT_WIDTH = { L: 1, LL: 2, LLL: 3, LLLL: 4 } as const;

function badPrefix(de: number, at: number, what: string): DecodeError {
  return new DecodeError('CODEC_BAD_LENGTH_PREFIX', { field: de, offset: at, detail: `length prefix ${what}` });
}

function digitsPrefixer(width: number, zero: number, capacity: number): Prefixer {
  return {
    width,
    capacity,
    read(buf, at, de) {
      let n = 0;
      for (let i = at; i < at + width; i++) {
        const d = buf[i] - zero;
        if (d < 0 || d > 9) throw badPrefix(de, at, 'holds a non-digit');
        n = n * 10 + d;
      }
      return n;
    },
    write(buf, at, count) {
      for (let i = at + width - 1; i >= at; i--) {
        buf[i] = zero + (count % 10);
        count = Math.floor(count / 10);
      }
    },
  };
}

function bcdPrefixer(width: number, capacity: number): Prefixer {
  return {
    width,
    capacity,
    read(buf, at, de) {
      let n = 0;
      for (let i = at; i < at + width; i++) {
        const b = buf[i];
        const hi = b >> 4;
        const lo = b & 15;
        if (hi > 9 || lo > 9) throw badPrefix(de, at, 'holds a BCD nibble above 9');
        n = n * 100 + hi * 10 + lo;
      }
      return n;
    },
    write(buf, at, count) {
      for (let i = at + width - 1; i >= at; i--) {
        const two = count % 100;
        buf[i] = ((two / 10) << 4) | two % 10;
        count = Math.floor(count / 100);
      }
    },
  };
}

function binaryPrefixer(width: number, capacity: number): Prefixer {
  return {
    width,
    capacity,
    read(buf, at) {
      return width === 1 ? buf[at] : (buf[at] << 8) | buf[at + 1];
    },
    write(buf, at, count) {
      if (width === 1) buf[at] = count;
      else {
        buf[at] = count >> 8;
        buf[at + 1] = count & 0xff;
      }
    },
  };
}

const FIXED: Prefixer = {
  width: 0,
  capacity: Infinity,
  read() {
    return 0;
  },
  write() {},
};

/** The prefixer for a spec prefix name (`fixed`, `ascii.LL`, `bcd.LLL`, ...). */
export function makePrefixer(prefix: Prefix): Prefixer {
  const p = parsePrefix(prefix);
  if (p === null) return FIXED;
  const capacity = prefixCapacity(prefix);
  switch (p.encoding) {
    case 'ascii':
      return digitsPrefixer(DIGIT_WIDTH[p.width], 0x30, capacity);
    case 'ebcdic':
      return digitsPrefixer(DIGIT_WIDTH[p.width], 0xf0, capacity);
    case 'bcd':
      return bcdPrefixer(p.width === 'L' || p.width === 'LL' ? 1 : 2, capacity);
    case 'binary':
      return binaryPrefixer(p.width === 'L' || p.width === 'LL' ? 1 : 2, capacity);
  }
}
