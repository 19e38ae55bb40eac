// TPDU: the optional 5-byte header after the length (primer §8): protocol id, destination (2 bytes),
// source (2 bytes). Reading, swapping for replies, parsing from hex. Pure, no I/O.

import { ConfigError } from '../../common/index.js';

/** Bytes of a TPDU on the wire. */
export const TPDU_BYTES = 5;

/** Header kinds that can follow the length header. */
export const FRAME_HEADERS = ['none', 'tpdu'] as const;
export type FrameHeader = (typeof FRAME_HEADERS)[number];

/**
 * HOT: the TPDU at buf[at, at + 5) with destination and source swapped, as a 40-bit integer,
 * so a reply can be written later without keeping a view of the request's chunk.
 */
export function swappedTpdu(buf: Buffer, at: number): number {
  // id * 2^32 + source(2 bytes) * 2^16 + destination(2 bytes); exact in a double (40 bits).
  return buf[at] * 0x100000000 + ((buf[at + 3] << 24) >>> 0) + (buf[at + 4] << 16) + (buf[at + 1] << 8) + buf[at + 2];
}

/** The TPDU at buf[at, at + 5) unchanged, as a 40-bit integer. */
export function tpduNumber(buf: Buffer, at: number): number {
  return buf[at] * 0x100000000 + buf.readUInt32BE(at + 1);
}

/** Writes a TPDU given as a 40-bit integer at buf[at, at + 5). */
export function writeTpdu(buf: Buffer, at: number, tpdu: number): void {
  buf[at] = Math.floor(tpdu / 0x100000000);
  buf.writeUInt32BE(tpdu % 0x100000000, at + 1);
}

/**
 * Parses a TPDU written as 10 hex digits (`6000120000`) into a 40-bit integer.
 * @throws ConfigError naming `path` when the text is not 10 hex digits.
 */
export function parseTpdu(path: string, hex: unknown): number {
  if (typeof hex !== 'string' || !/^[0-9A-Fa-f]{10}$/.test(hex)) {
    throw new ConfigError(path, 'expected a TPDU as 10 hex digits, e.g. 6000120000');
  }
  return parseInt(hex, 16);
}

/** A TPDU integer as 10 uppercase hex digits. */
export function tpduHex(tpdu: number): string {
  return tpdu.toString(16).toUpperCase().padStart(10, '0');
}
