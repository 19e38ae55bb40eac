// Length prefixes: every encoding and width writes the primer's bytes (section 2) and reads them back.

import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/codec/index.js';
import { makePrefixer } from '../../src/codec/prefixers.js';
import type { Prefix } from '../../src/codec/spec.js';
import { hex, hexOf, thrown } from '../helpers/bytes.js';

describe('makePrefixer', () => {
  it.each<[Prefix, number, string]>([
    ['ascii.L', 7, '37'],
    ['ascii.LL', 16, '3136'],
    ['ascii.LLL', 87, '303837'],
    ['ascii.LLLL', 1234, '31323334'],
    ['bcd.L', 7, '07'],
    ['bcd.LL', 16, '16'],
    ['bcd.LLL', 87, '0087'],
    ['bcd.LLLL', 1234, '1234'],
    ['binary.L', 200, 'C8'],
    ['binary.LL', 16, '10'],
    ['binary.LLL', 300, '012C'],
    ['binary.LLLL', 1234, '04D2'],
    ['ebcdic.L', 7, 'F7'],
    ['ebcdic.LL', 16, 'F1F6'],
    ['ebcdic.LLL', 87, 'F0F8F7'],
    ['ebcdic.LLLL', 1234, 'F1F2F3F4'],
  ])('writes and reads back the primer bytes when %s carries %i', (prefix, count, wire) => {
    const p = makePrefixer(prefix);
    const buf = Buffer.alloc(p.width + 2, 0xee);
    p.write(buf, 1, count);
    expect(p.width).toBe(wire.length / 2);
    expect(hexOf(buf)).toBe(`EE${wire}EE`);
    expect(p.read(buf, 1, 2)).toBe(count);
  });

  it.each<[Prefix, number]>([
    ['ascii.L', 9], ['ascii.LL', 99], ['ascii.LLL', 999], ['ascii.LLLL', 9999],
    ['bcd.L', 99], ['bcd.LL', 99], ['bcd.LLL', 999], ['bcd.LLLL', 9999],
    ['binary.L', 255], ['binary.LL', 255], ['binary.LLL', 65535], ['binary.LLLL', 65535],
    ['ebcdic.LL', 99], ['ebcdic.LLLL', 9999],
  ])('round-trips its capacity when %s carries %i', (prefix, capacity) => {
    const p = makePrefixer(prefix);
    const buf = Buffer.alloc(p.width);
    p.write(buf, 0, capacity);
    expect(p.capacity).toBe(capacity);
    expect(p.read(buf, 0, 2)).toBe(capacity);
  });

  it.each<[Prefix, number]>([['ascii.LLL', 0], ['bcd.LLL', 0], ['binary.LL', 0], ['ebcdic.LL', 5]])('round-trips small counts when %s carries %i', (prefix, count) => {
    const p = makePrefixer(prefix);
    const buf = Buffer.alloc(p.width);
    p.write(buf, 0, count);
    expect(p.read(buf, 0, 2)).toBe(count);
  });

  it('takes no bytes and writes nothing when the field is fixed', () => {
    const p = makePrefixer('fixed');
    const buf = hex('AABB');
    p.write(buf, 0, 12);
    expect([p.width, p.capacity, p.read(buf, 0, 2), hexOf(buf)]).toEqual([0, Infinity, 0, 'AABB']);
  });

  it.each<[Prefix, string, string]>([
    ['ascii.LL', '3A31', 'holds a non-digit'],
    ['ascii.LLL', '303A31', 'holds a non-digit'],
    ['ascii.LL', '2F31', 'holds a non-digit'],
    ['ebcdic.LL', '3136', 'holds a non-digit'],
    ['ebcdic.LL', 'F1FA', 'holds a non-digit'],
    ['bcd.LL', '1A', 'holds a BCD nibble above 9'],
    ['bcd.LLL', 'A001', 'holds a BCD nibble above 9'],
    ['bcd.LLLL', '120F', 'holds a BCD nibble above 9'],
  ])('throws CODEC_BAD_LENGTH_PREFIX when %s reads %s', (prefix, wire, what) => {
    const buf = Buffer.concat([hex('FFFF'), hex(wire)]);
    const err = thrown(() => makePrefixer(prefix).read(buf, 2, 35)) as DecodeError;
    expect(err).toBeInstanceOf(DecodeError);
    expect([err.code, err.field, err.offset, err.message]).toEqual(['CODEC_BAD_LENGTH_PREFIX', 35, 2, `field 35: length prefix ${what} (byte 2)`]);
  });
});
