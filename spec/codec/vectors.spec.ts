// Cross-project vectors: messages packed by jPOS, moov-io, pyiso8583 and others (fixtures/vectors),
// decoded with our built-in specs and compared with pyiso8583's decode; re-encoding must be exact.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Codec, DecodeError, builtinCodec, builtinSpec, specFromFile, type IsoMessage } from '../../src/codec/index.js';
import { hexOf, thrown } from '../helpers/bytes.js';

interface Vector {
  file: string;
  oracle_spec: '87ascii' | '87bcd';
  oracle_spec_overrides?: Record<string, unknown>;
  expected_fields: Record<string, string> | null;
  expect_error?: { field: string; pos: number };
}

const VECTORS = new URL('../../fixtures/vectors/', import.meta.url);
const CUSTOM_SPEC = new URL('../../fixtures/specs/ralvescosta-de63-binary.json', import.meta.url);
const index = JSON.parse(readFileSync(new URL('index.json', VECTORS), 'utf8')) as { vectors: Vector[] };
const positives = index.vectors.filter((v) => v.expected_fields !== null);
const negatives = index.vectors.filter((v) => v.expected_fields === null);

function bytesOf(v: Vector): Buffer {
  return Buffer.from(readFileSync(new URL(v.file, VECTORS), 'utf8').trim(), 'hex');
}

function codecOf(v: Vector): Codec {
  if (v.oracle_spec_overrides !== undefined) {
    return new Codec(specFromFile(JSON.parse(readFileSync(CUSTOM_SPEC, 'utf8')), CUSTOM_SPEC.pathname, builtinSpec));
  }
  return builtinCodec(v.oracle_spec === '87ascii' ? 'iso87ascii' : 'iso87binary');
}

/**
 * The oracle's value in our notation. pyiso8583 has no track 2 or IFB_AMOUNT type: in 87bcd it
 * reads DE 35 as raw BCD, so the separator nibble D shows as 'D' where we decode '=', and it reads
 * DE 28-31 (jPOS IFB_AMOUNT: one sign byte, then BCD digits) as raw hex, so sign byte 0x30 shows
 * as "30" where we decode the sign character '0' followed by the digits ('0' + '00000100').
 */
function inOurNotation(v: Vector, de: number, oracle: string): string {
  if (v.oracle_spec !== '87bcd') return oracle;
  if (de === 35) return oracle.replaceAll('D', '=');
  if (de >= 28 && de <= 31) return String.fromCharCode(parseInt(oracle.slice(0, 2), 16)) + oracle.slice(2);
  return oracle;
}

/** The primary and secondary bitmaps as uppercase hex, read straight from the bytes after the MTI. */
function bitmapsOf(v: Vector, bytes: Buffer): { p: string; s: string } {
  if (v.oracle_spec === '87ascii') {
    return { p: bytes.toString('latin1', 4, 20).toUpperCase(), s: bytes.toString('latin1', 20, 36).toUpperCase() };
  }
  return { p: hexOf(bytes.subarray(2, 10)), s: hexOf(bytes.subarray(10, 18)) };
}

function fieldsOf(msg: IsoMessage): Record<string, string> {
  return Object.fromEntries(msg.fields().map((de) => [String(de), msg.getString(de)!]));
}

describe('cross-project vectors', () => {
  it('lists all 14 vectors, one of them negative, when index.json is read', () => {
    expect(index.vectors).toHaveLength(14);
    expect(negatives).toHaveLength(1);
  });

  describe.each(positives)('$file', (v) => {
    const bytes = bytesOf(v);
    const codec = codecOf(v);
    const expected = v.expected_fields!;

    it('decodes exactly the expected fields when unpacked', () => {
      const want: Record<string, string> = {};
      for (const [key, value] of Object.entries(expected)) {
        if (key !== 't' && key !== 'p' && key !== '1') want[key] = inOurNotation(v, Number(key), value);
      }
      expect(fieldsOf(codec.unpack(bytes))).toEqual(want);
    });

    it('has the expected MTI and bitmaps when read from the first bytes', () => {
      expect(codec.unpack(bytes).mti).toBe(expected.t);
      const { p, s } = bitmapsOf(v, bytes);
      expect(p).toBe(expected.p);
      if (expected['1'] !== undefined) expect(s).toBe(expected['1']);
      expect(parseInt(p[0], 16) >= 8).toBe(expected['1'] !== undefined);
    });

    it('re-encodes to the same bytes when packed again', () => {
      expect(hexOf(codec.pack(codec.unpack(bytes)))).toBe(hexOf(bytes));
    });
  });

  it.each(negatives)('rejects $file at the field and byte the index names when truncated', (v) => {
    const err = thrown(() => codecOf(v).unpack(bytesOf(v))) as DecodeError;
    expect(err).toBeInstanceOf(DecodeError);
    expect(err.code).toBe('CODEC_TRUNCATED');
    expect(err.field).toBe(Number(v.expect_error!.field));
    expect(err.offset).toBe(v.expect_error!.pos);
    expect([err.field, err.offset]).toEqual([55, 185]);
  });
});
