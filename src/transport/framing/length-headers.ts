// The seven TCP length headers of design.md §3, as data: size, largest length, read and write.
// Pure, no I/O. read() reports a malformed header as -1; the decoder turns that into FramingError.

/** Framing names as users know them (design.md §3). */
export const FRAMINGS = ['ascii4', 'binary2', 'binary2-incl', 'bcd2', 'hex4', 'binary4', 'vmlh'] as const;
export type Framing = (typeof FRAMINGS)[number];

export interface LengthHeader {
  readonly name: Framing;
  /** Bytes the header occupies on the wire. */
  readonly size: number;
  /** Largest body length (TPDU + message) the header can express. */
  readonly maxLength: number;
  /** The body length at buf[at, at + size), or -1 when the header is malformed. Bounds are the caller's. */
  readonly read: (buf: Buffer, at: number) => number;
  /** Writes `length` (0..maxLength, checked by the caller) at buf[at, at + size). */
  readonly write: (buf: Buffer, at: number, length: number) => void;
  /** What a malformed header of this kind looks like, for error text. */
  readonly malformed: string;
}

// Hex digit values by byte; -1 for anything else. Both cases are read (jPOS parses with radix 16).
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[0x41 + i] = 10 + i;
  HEX_VALUE[0x61 + i] = 10 + i;
}
// jPOS HEXChannel writes Integer.toString(len, 16): lowercase.
const HEX_DIGIT = '0123456789abcdef';

function digit(b: number): number {
  const d = b - 0x30;
  return d >= 0 && d <= 9 ? d : -1;
}

function bcdPair(b: number): number {
  const hi = b >> 4;
  const lo = b & 0x0f;
  return hi > 9 || lo > 9 ? -1 : hi * 10 + lo;
}

/** HOT: every header read is a handful of integer operations on bytes already bounds-checked. */
export const LENGTH_HEADERS: Readonly<Record<Framing, LengthHeader>> = Object.freeze({
  ascii4: Object.freeze({
    name: 'ascii4',
    size: 4,
    maxLength: 9999,
    malformed: 'a non-digit in the 4-digit ASCII length',
    read(buf: Buffer, at: number): number {
      const a = digit(buf[at]), b = digit(buf[at + 1]), c = digit(buf[at + 2]), d = digit(buf[at + 3]);
      return (a | b | c | d) < 0 ? -1 : a * 1000 + b * 100 + c * 10 + d;
    },
    write(buf: Buffer, at: number, n: number): void {
      buf[at] = 0x30 + ((n / 1000) | 0);
      buf[at + 1] = 0x30 + (((n / 100) | 0) % 10);
      buf[at + 2] = 0x30 + (((n / 10) | 0) % 10);
      buf[at + 3] = 0x30 + (n % 10);
    },
  }),
  binary2: Object.freeze({
    name: 'binary2',
    size: 2,
    maxLength: 0xffff,
    malformed: 'never malformed',
    read: (buf: Buffer, at: number): number => (buf[at] << 8) | buf[at + 1],
    write(buf: Buffer, at: number, n: number): void {
      buf[at] = n >>> 8;
      buf[at + 1] = n & 0xff;
    },
  }),
  'binary2-incl': Object.freeze({
    name: 'binary2-incl',
    size: 2,
    maxLength: 0xffff - 2,
    malformed: 'a length below 2, the header\'s own size',
    read(buf: Buffer, at: number): number {
      const n = (buf[at] << 8) | buf[at + 1];
      return n < 2 ? -1 : n - 2;
    },
    write(buf: Buffer, at: number, n: number): void {
      buf[at] = (n + 2) >>> 8;
      buf[at + 1] = (n + 2) & 0xff;
    },
  }),
  bcd2: Object.freeze({
    name: 'bcd2',
    size: 2,
    maxLength: 9999,
    malformed: 'a BCD nibble above 9 in the length',
    read(buf: Buffer, at: number): number {
      const hi = bcdPair(buf[at]), lo = bcdPair(buf[at + 1]);
      return (hi | lo) < 0 ? -1 : hi * 100 + lo;
    },
    write(buf: Buffer, at: number, n: number): void {
      const hi = (n / 100) | 0, lo = n % 100;
      buf[at] = (((hi / 10) | 0) << 4) | hi % 10;
      buf[at + 1] = (((lo / 10) | 0) << 4) | lo % 10;
    },
  }),
  hex4: Object.freeze({
    name: 'hex4',
    size: 4,
    maxLength: 0xffff,
    malformed: 'a non-hex character in the 4-character hex length',
    read(buf: Buffer, at: number): number {
      const a = HEX_VALUE[buf[at]], b = HEX_VALUE[buf[at + 1]], c = HEX_VALUE[buf[at + 2]], d = HEX_VALUE[buf[at + 3]];
      return (a | b | c | d) < 0 ? -1 : (a << 12) | (b << 8) | (c << 4) | d;
    },
    write(buf: Buffer, at: number, n: number): void {
      buf[at] = HEX_DIGIT.charCodeAt((n >>> 12) & 15);
      buf[at + 1] = HEX_DIGIT.charCodeAt((n >>> 8) & 15);
      buf[at + 2] = HEX_DIGIT.charCodeAt((n >>> 4) & 15);
      buf[at + 3] = HEX_DIGIT.charCodeAt(n & 15);
    },
  }),
  binary4: Object.freeze({
    name: 'binary4',
    size: 4,
    maxLength: 0xffffffff,
    malformed: 'never malformed',
    read: (buf: Buffer, at: number): number => buf.readUInt32BE(at),
    write(buf: Buffer, at: number, n: number): void {
      buf.writeUInt32BE(n, at);
    },
  }),
  vmlh: Object.freeze({
    name: 'vmlh',
    size: 4,
    maxLength: 0xffff,
    malformed: 'non-zero bytes where the 2 reserved zero bytes belong',
    read(buf: Buffer, at: number): number {
      return (buf[at + 2] | buf[at + 3]) !== 0 ? -1 : (buf[at] << 8) | buf[at + 1];
    },
    write(buf: Buffer, at: number, n: number): void {
      buf[at] = n >>> 8;
      buf[at + 1] = n & 0xff;
      buf[at + 2] = 0;
      buf[at + 3] = 0;
    },
  }),
});
