// Codec properties (style §5): round trip of generated messages, and garbage in (random bytes,
// mutated messages, rewritten length prefixes, mutated golden fixtures) gives a canonical message
// or a DecodeError, never anything else.
// Runs every built-in spec, the fixture specs, and custom specs for layouts no other spec uses.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Codec, DecodeError, IsoMessage, builtinCodec, builtinSpec, builtinSpecNames, specFromFile, toJson } from '../../src/codec/index.js';
import { readBitmap, writeBitmap } from '../../src/codec/bitmap.js';
import { arbMessage, arbMutation, arbPrefixEdits, variableFieldShapes } from '../helpers/arbitraries.js';
import { caseBytes, fixtureCodec, fixtureSpecs, listCases } from '../helpers/fixtures.js';

const RUNS = Number(process.env.FC_RUNS ?? 100);

const custom = (file: object): Codec => new Codec(specFromFile(file, 'test', builtinSpec));
const field = (name: string, rest: object): object => ({ name, ...rest });

/** EBCDIC MTI and text, binary bitmap, EBCDIC, binary and L prefixes, variable amounts, raw TLV. */
const ebcdicHost = custom({
  name: 'ebcdic-host',
  extends: 'iso87ascii',
  mti: { encoding: 'ebcdic' },
  bitmap: { encoding: 'binary' },
  fields: {
    2: { data: 'ebcdic', prefix: 'ebcdic.LL' },
    4: { data: 'ebcdic' },
    5: { data: 'ebcdic', prefix: 'ebcdic.L', length: 9 },
    28: { data: 'ebcdic', signs: 'CD' },
    29: { prefix: 'ascii.LL', length: 11, signs: 'C' },
    30: { prefix: 'bcd.LL', data: 'bcd', length: 12, lengthCounts: 'wire', signs: 'CD' },
    34: { class: 'ns', data: 'ebcdic', prefix: 'ebcdic.LL' },
    35: { data: 'ebcdic', prefix: 'ebcdic.LL' },
    40: { class: 'a', data: 'ebcdic' },
    43: { data: 'ebcdic' },
    44: { data: 'ebcdic', prefix: 'binary.LL' },
    48: { data: 'ebcdic', prefix: 'binary.LLL' },
    52: { data: 'binary' },
    55: { class: 'b', length: 512, prefix: 'binary.LLL', data: 'binary', tlv: true },
    96: { data: 'binary', prefix: 'binary.LL', length: 200 },
    97: { data: 'ebcdic', length: 15 },
  },
});

/** BCD lengths that count wire bytes (pad F), left pads, odd fixed numerics and amounts, hex inside BCD. */
const posWire = custom({
  name: 'pos-wire',
  extends: 'iso87pos',
  fields: {
    2: { lengthCounts: 'wire' },
    3: { length: 5, padNibble: 'F' },
    14: { length: 3, pad: 'right' },
    32: { pad: 'left' },
    33: { pad: 'left', padNibble: 'F' },
    35: { lengthCounts: 'wire' },
    46: { class: 'b', data: 'binary', prefix: 'binary.LLL', length: 999 },
    53: { class: 'b', data: 'hex', prefix: 'bcd.LLL', length: 300, lengthCounts: 'wire' },
    99: field('Track, left padded', { class: 'z', length: 37, prefix: 'bcd.LL', data: 'bcd', pad: 'left', padNibble: 'F', lengthCounts: 'wire' }),
    97: { length: 15 },
    100: { prefix: 'binary.LL', lengthCounts: 'wire', padNibble: 'F' },
  },
});

/** 1993 ASCII with a tertiary bitmap carried as DE 65 and fields 129-135 and 192. */
const tertiary = custom({
  name: 'iso93-tertiary',
  extends: 'iso93ascii',
  bitmap: { encoding: 'hex', tertiary: true },
  fields: {
    65: null,
    129: field('Numeric', { class: 'n', length: 6, prefix: 'fixed', data: 'ascii' }),
    130: field('Text', { class: 'ans', length: 40, prefix: 'ascii.LL', data: 'ascii' }),
    131: field('Key check', { class: 'b', length: 8, prefix: 'fixed', data: 'hex' }),
    132: field('Blob', { class: 'b', length: 100, prefix: 'ascii.LLL', data: 'hex', lengthCounts: 'wire' }),
    133: field('Track', { class: 'z', length: 37, prefix: 'ascii.LL', data: 'ascii' }),
    134: field('Amount', { class: 'x+n', length: 10, prefix: 'fixed', data: 'ascii' }),
    135: field('Code', { class: 'an', length: 5, prefix: 'fixed', data: 'ascii' }),
    192: field('Last', { class: 'a', length: 1, prefix: 'fixed', data: 'ascii' }),
  },
});

const CODECS: { name: string; codec: Codec }[] = [
  ...builtinSpecNames().map((name) => ({ name, codec: builtinCodec(name) })),
  ...[ebcdicHost, posWire, tertiary].map((codec) => ({ name: codec.name, codec })),
  // The custom specs the golden fixtures are read with (fixtures/specs/*.json).
  ...fixtureSpecs()
    .filter((name) => !builtinSpecNames().includes(name))
    .map((name) => ({ name, codec: fixtureCodec(name) })),
];

const json = (codec: Codec, m: IsoMessage) => toJson(codec, m, { reveal: true });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const FRAMING_REFS: readonly unknown[] = ['mti', 'bitmap', 'header', 'message'];

/** unpack(pack(m)) is m, and packing the decoded message gives the same bytes again. */
function expectRoundTrip(codec: Codec, m: IsoMessage): void {
  const bytes = codec.pack(m);
  const back = codec.unpack(bytes);
  expect(json(codec, back)).toEqual(json(codec, m));
  expect(hex(codec.pack(back))).toBe(hex(bytes));
}

const hasHex = (codec: Codec): boolean => codec.isHexBitmap || codec.fields.some((f) => f?.spec.data === 'hex');

/**
 * Strict decoding implies canonical bytes: packing what was decoded gives the input back. The one
 * legitimate difference is case: hex bitmaps and hex fields accept lowercase and emit uppercase
 * (primer §1), so where the bytes differ, the input must hold 'a'-'f' and the output the same
 * letter in uppercase, and the output itself must then be a fixed point.
 */
function expectCanonical(codec: Codec, input: Buffer, output: Buffer): void {
  if (!hasHex(codec)) {
    expect(hex(output)).toBe(hex(input));
    return;
  }
  expect(output.length).toBe(input.length);
  const bad = [...input].flatMap((b, i) => (output[i] === b || (b >= 0x61 && b <= 0x66 && output[i] === b - 0x20) ? [] : [i]));
  expect(bad, `bytes differ beyond hex case at ${bad.join(',')}: in ${hex(input)} out ${hex(output)}`).toEqual([]);
  expect(hex(codec.pack(codec.unpack(output)))).toBe(hex(output));
}

/**
 * `input` as the codec writes it back: an announced secondary or tertiary bitmap with no bit set is
 * accepted (issue #13) but never written, so it is cut out and the bit announcing it cleared.
 */
function withoutEmptyBitmaps(codec: Codec, input: Buffer, msg: IsoMessage): Buffer {
  const mtiBytes = codec.mtiEncoding === 'bcd' ? 2 : 4;
  const size = codec.isHexBitmap ? 16 : 8;
  const words = [0, 0, 0, 0];
  readBitmap(input, mtiBytes, codec.isHexBitmap, words, 0);
  if ((words[0] & 0x80000000) === 0) return input;
  readBitmap(input, mtiBytes + size, codec.isHexBitmap, words, 2);
  let rest = input.subarray(mtiBytes + 2 * size);
  if (codec.hasTertiary && (words[2] & 0x80000000) !== 0 && !msg.fields().some((de) => de > 128)) {
    // The tertiary bitmap sits where DE 65 would: after the fields up to 64.
    const at = codec.pack(new IsoMessage(msg.mti, msg.values.slice(0, 65))).length - mtiBytes - size;
    rest = Buffer.concat([rest.subarray(0, at), rest.subarray(at + size)]);
    words[2] &= 0x7fffffff;
  }
  const hasSecondary = (words[2] | words[3]) !== 0;
  if (!hasSecondary) words[0] &= 0x7fffffff;
  const bitmaps = Buffer.alloc(2 * size);
  writeBitmap(bitmaps, 0, codec.isHexBitmap, words, 0);
  writeBitmap(bitmaps, size, codec.isHexBitmap, words, 2);
  return Buffer.concat([input.subarray(0, mtiBytes), bitmaps.subarray(0, hasSecondary ? 2 * size : size), rest]);
}

/**
 * The partial decode never throws on bad input, names the same failure as unpack, and every value
 * it read (past the failure too) but the failed field's is one the spec can pack again.
 */
function expectPartialAgrees(codec: Codec, bytes: Buffer, failure: DecodeError | null): void {
  const { message, error } = codec.unpackPartial(bytes);
  expect(error === null ? null : [error.code, error.field, error.offset]).toEqual(failure === null ? null : [failure.code, failure.field, failure.offset]);
  if (message.mti === '') return;
  if (typeof error?.field === 'number') message.unset(error.field);
  codec.pack(message);
}

/** Decodes `bytes`: either a message that packs back to them, or a DecodeError naming where. */
function expectMessageOrDecodeError(codec: Codec, bytes: Buffer): void {
  let msg: IsoMessage;
  try {
    msg = codec.unpack(bytes);
  } catch (err) {
    expectPartialAgrees(codec, bytes, err instanceof DecodeError ? err : null);
    expect(err instanceof DecodeError ? 'DecodeError' : String((err as Error)?.stack ?? err)).toBe('DecodeError');
    const e = err as DecodeError;
    expect(e.code).toMatch(/^CODEC_/);
    expect(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= bytes.length, `offset ${e.offset} of ${bytes.length}`).toBe(true);
    const fieldOk = typeof e.field === 'number' ? Number.isInteger(e.field) && e.field >= 2 && e.field <= 192 : FRAMING_REFS.includes(e.field);
    expect(fieldOk, `field ${String(e.field)}`).toBe(true);
    return;
  }
  let again: Buffer;
  try {
    again = codec.pack(msg);
  } catch (err) {
    throw new Error(`decoded ${hex(bytes)} but cannot pack the result: ${String(err)}`, { cause: err });
  }
  expectPartialAgrees(codec, bytes, null);
  expectCanonical(codec, withoutEmptyBitmaps(codec, bytes, msg), again);
}

const arbGarbage = fc.oneof(fc.uint8Array({ maxLength: 600, size: 'max' }), fc.uint8Array({ maxLength: 40 })).map((u) => Buffer.from(u));

describe.each(CODECS)('codec $name', ({ codec }) => {
  it('unpacks a packed message to the same message and bytes when the message is valid', () => {
    fc.assert(fc.property(arbMessage(codec), (m) => expectRoundTrip(codec, m)), { numRuns: RUNS });
  });

  it('issue #13: decodes the same message and packs it back without the bitmap when an all-zero secondary one is added', () => {
    const mtiBytes = codec.mtiEncoding === 'bcd' ? 2 : 4;
    const size = codec.isHexBitmap ? 16 : 8;
    const arbPrimaryOnly = arbMessage(codec).map((m) => new IsoMessage(m.mti, m.values.slice(0, 65)));
    fc.assert(
      fc.property(arbPrimaryOnly, (m) => {
        const bytes = codec.pack(m);
        const words = [0, 0, 0, 0];
        readBitmap(bytes, mtiBytes, codec.isHexBitmap, words, 0);
        words[0] |= 0x80000000;
        const bitmaps = Buffer.alloc(2 * size);
        writeBitmap(bitmaps, 0, codec.isHexBitmap, words, 0);
        writeBitmap(bitmaps, size, codec.isHexBitmap, words, 2);
        const sent = Buffer.concat([bytes.subarray(0, mtiBytes), bitmaps, bytes.subarray(mtiBytes + size)]);
        const back = codec.unpack(sent);
        expect(json(codec, back)).toEqual(json(codec, m));
        expect(hex(codec.pack(back))).toBe(hex(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('returns a canonical message or throws DecodeError when given random bytes', () => {
    fc.assert(fc.property(arbGarbage, (bytes) => expectMessageOrDecodeError(codec, bytes)), { numRuns: RUNS });
  });

  it('returns a canonical message or throws DecodeError when a valid message is mutated', () => {
    const arbMutated = arbMessage(codec).chain((m) => arbMutation(codec.pack(m)));
    fc.assert(fc.property(arbMutated, (bytes) => expectMessageOrDecodeError(codec, bytes)), { numRuns: RUNS });
  });

  it('returns a canonical message or throws DecodeError when a length prefix announces a boundary length', () => {
    for (const de of variableFieldShapes(codec)) {
      const property = fc.property(arbPrefixEdits(codec, de), (list) => list.forEach((bytes) => expectMessageOrDecodeError(codec, bytes)));
      fc.assert(property, { numRuns: Math.ceil(RUNS / 4) });
    }
  });
});

/** Golden fixtures by folder: the codec each is read with, and its message bytes (header split off). */
const SEEDS = fixtureSpecs().map((spec) => ({ spec, codec: fixtureCodec(spec), messages: listCases(spec).map((c) => caseBytes(c).message) }));

describe('the garbage property on empty bitmaps', () => {
  it.each([
    ['an all-zero secondary bitmap', builtinCodec('iso87ascii'), ['0800', 'A220000000000000', '0'.repeat(16), '000000', '0612143015', '000777']],
    ['an all-zero tertiary bitmap', tertiary, ['1804', 'A000000000000000', '8400000000000000', '000000', '0'.repeat(16), '301']],
    ['a secondary bitmap announcing only an all-zero tertiary one', tertiary, ['1804', 'A000000000000000', '8000000000000000', '000000', '0'.repeat(16)]],
  ] as const)('holds when the input carries %s, which packing leaves out', (_what, codec, parts) => {
    expectMessageOrDecodeError(codec, Buffer.from(parts.join(''), 'latin1'));
  });
});

describe('codec on mutated golden fixtures', () => {
  it('has golden messages to seed from', () => {
    expect(SEEDS.flatMap((s) => s.messages).length).toBeGreaterThan(0);
  });

  it.each(SEEDS)('returns a canonical message or throws DecodeError when a $spec fixture is mutated', ({ codec, messages }) => {
    const arbMutated = fc.constantFrom(...messages).chain((bytes) => arbMutation(bytes));
    fc.assert(fc.property(arbMutated, (bytes) => expectMessageOrDecodeError(codec, bytes)), { numRuns: RUNS * messages.length });
  });
});
