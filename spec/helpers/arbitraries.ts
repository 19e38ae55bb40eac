// fast-check arbitraries derived from a spec table: a valid value for any field definition, a valid
// message for any codec, and byte-level mutations of an encoded message (style §5, properties 1-2).
// The alphabets below are written from the class definitions (primer §2), not taken from the
// codec's own tables, so that a wrong table in src/ shows up as a failing property.

import fc from 'fast-check';
import { IsoMessage, encodeTlv, type Codec, type FieldSpec, type FieldValue, type TlvNode } from '../../src/codec/index.js';

const span = (from: number, to: number): string => String.fromCharCode(...Array.from({ length: to - from + 1 }, (_, i) => from + i));
const DIGITS = '0123456789';
const LETTERS = span(0x41, 0x5a) + span(0x61, 0x7a);
const PRINTABLE = span(0x20, 0x7e);

/** Characters each text class admits: n digits; a letters+space; an letters+digits+space; ans and ns printable. */
export const CLASS_ALPHABET = {
  n: DIGITS,
  a: `${LETTERS} `,
  an: `${LETTERS}${DIGITS} `,
  ans: PRINTABLE,
  ns: [...PRINTABLE].filter((c) => !LETTERS.includes(c)).join(''),
} as const;

/** Value lengths the codec can represent for `f`, in value units (digits for x+n, sign excluded). */
export function lengthRange(f: FieldSpec): { min: number; max: number; isEvenOnly: boolean } {
  if (f.prefix === 'fixed') return { min: f.length, max: f.length, isEvenOnly: false };
  if (f.class !== 'x+n') return { min: 0, max: f.length, isEvenOnly: false };
  // An amount needs at least one digit; a BCD amount whose prefix counts wire bytes can only say
  // "sign + whole bytes", so its digit count is even.
  const isEvenOnly = f.data === 'bcd' && f.lengthCounts === 'wire';
  const range = { min: isEvenOnly ? 2 : 1, max: isEvenOnly ? f.length - (f.length % 2) : f.length, isEvenOnly };
  if (range.max < range.min) throw new Error(`no representable value for ${f.name}`);
  return range;
}

function arbLength(f: FieldSpec): fc.Arbitrary<number> {
  const { min, max, isEvenOnly } = lengthRange(f);
  const step = isEvenOnly ? 2 : 1;
  const [lo, hi] = [min / step, Math.floor(max / step)];
  if (lo === hi) return fc.constant(min);
  // Edges (empty, exactly full) are where prefixes and pad nibbles go wrong: give them extra weight.
  return fc.oneof(fc.constantFrom(lo, hi), fc.integer({ min: lo, max: hi })).map((k) => k * step);
}

function arbText(alphabet: string, len: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength: len, maxLength: len });
}

function arbBytes(len: number): fc.Arbitrary<Buffer> {
  return fc.uint8Array({ minLength: len, maxLength: len }).map((u) => Buffer.from(u));
}

/** Track data: digits with at most one '=' separator. */
function arbTrack(len: number): fc.Arbitrary<string> {
  return fc.tuple(arbText(DIGITS, len), fc.boolean(), fc.nat()).map(([s, hasSeparator, at]) => {
    if (!hasSeparator || len === 0) return s;
    const i = at % len;
    return `${s.slice(0, i)}=${s.slice(i + 1)}`;
  });
}

// EMV tags (primer §9): primitive ones, and templates whose children are primitive.
const PRIMITIVE_TAGS = ['9F26', '9F27', '9F10', '9F37', '9F36', '95', '9A', '9C', '9F02', '5F2A', '82', '9F1A', '9F33', '5A', '57', 'DF8101'];
const CONSTRUCTED_TAGS = ['70', '77', 'BF0C'];

// Short values mostly, some needing the 0x81 length form (128..255) and a few the 0x82 form.
const arbTlvValue = fc
  .oneof(
    { weight: 6, arbitrary: fc.uint8Array({ maxLength: 16 }) },
    { weight: 2, arbitrary: fc.uint8Array({ minLength: 120, maxLength: 140 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 250, maxLength: 300 }) },
  )
  .map((u) => Buffer.from(u));
const arbPrimitive: fc.Arbitrary<TlvNode> = fc.record({ tag: fc.constantFrom(...PRIMITIVE_TAGS), value: arbTlvValue });
const arbTemplate: fc.Arbitrary<TlvNode> = fc.record({
  tag: fc.constantFrom(...CONSTRUCTED_TAGS),
  value: fc.constant(Buffer.alloc(0)),
  children: fc.array(arbPrimitive, { maxLength: 4 }),
});

/** BER-TLV of at most `max` bytes: the longest leading run of generated objects that fits. */
export function arbTlvBytes(max: number): fc.Arbitrary<Buffer> {
  return fc.array(fc.oneof({ weight: 4, arbitrary: arbPrimitive }, { weight: 1, arbitrary: arbTemplate }), { maxLength: 8 }).map((nodes) => {
    let fits = encodeTlv([]);
    for (let k = 1; k <= nodes.length; k++) {
      const next = encodeTlv(nodes.slice(0, k));
      if (next.length > max) break;
      fits = next;
    }
    return fits;
  });
}

/** BER-TLV of exactly `size` bytes for a fixed TLV field: tag 95 objects with short lengths. */
function arbTlvExact(size: number): fc.Arbitrary<Buffer> {
  if (size === 1) throw new Error('no BER-TLV object is one byte long');
  return arbBytes(size).map((filler) => {
    const nodes: TlvNode[] = [];
    for (let left = size; left > 0; ) {
      let v = Math.min(0x7f, left - 2);
      if (left - 2 - v === 1) v--; // never leave a single byte that cannot hold a tag and a length
      nodes.push({ tag: '95', value: filler.subarray(0, v) });
      left -= 2 + v;
    }
    return encodeTlv(nodes);
  });
}

function arbContent(f: FieldSpec, len: number): fc.Arbitrary<FieldValue> {
  switch (f.class) {
    case 'b':
      return f.tlv === true ? arbTlvExact(len) : arbBytes(len); // variable TLV: see arbFieldValue
    case 'z':
      return arbTrack(len);
    case 'x+n':
      return fc.tuple(fc.constantFrom(...(f.signs ?? 'CD')), arbText(DIGITS, len)).map(([sign, digits]) => sign + digits);
    default:
      return arbText(CLASS_ALPHABET[f.class], len);
  }
}

/** A valid value for the field definition `f`: right class, length the codec can represent. */
export function arbFieldValue(f: FieldSpec): fc.Arbitrary<FieldValue> {
  if (f.class === 'b' && f.tlv === true && f.prefix !== 'fixed') return arbTlvBytes(f.length);
  return arbLength(f).chain((len) => arbContent(f, len));
}

/** DE numbers the codec defines, by bitmap: primary (2-64), secondary (65-128), tertiary (129-192). */
export function definedFields(codec: Codec): { primary: number[]; secondary: number[]; tertiary: number[] } {
  const des = codec.fields.flatMap((fc, de) => (fc === undefined || (de === 65 && codec.hasTertiary) ? [] : [de]));
  return { primary: des.filter((de) => de <= 64), secondary: des.filter((de) => de > 64 && de <= 128), tertiary: des.filter((de) => de > 128) };
}

/** An MTI from the primer's digit tables: version, class, function, origin. */
export const arbMti: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...'01289'), fc.constantFrom(...'12345678'), fc.constantFrom(...'01234567'), fc.constantFrom(...'012345'))
  .map((digits) => digits.join(''));

/**
 * A valid message for `codec`: an MTI and a random subset of the defined fields. Messages use only
 * the primary bitmap, or also the secondary (at least one field above 64), or, when the spec has a
 * tertiary bitmap, also that one (at least one field above 128).
 */
export function arbMessage(codec: Codec): fc.Arbitrary<IsoMessage> {
  const { primary, secondary, tertiary } = definedFields(codec);
  // At most 24 fields a bitmap keeps a run fast (values of LLL fields run to 999 characters).
  const some = (des: number[], minLength = 0) => fc.subarray(des, { minLength, maxLength: Math.min(des.length, 24) });
  const layouts: fc.Arbitrary<number[][]>[] = [fc.tuple(some(primary))];
  if (secondary.length > 0) layouts.push(fc.tuple(some(primary), some(secondary, 1)));
  if (tertiary.length > 0) layouts.push(fc.tuple(some(primary), some(secondary), some(tertiary, 1)));
  const byDe = new Map<number, fc.Arbitrary<FieldValue>>();
  const valueOf = (de: number): fc.Arbitrary<FieldValue> => {
    let arb = byDe.get(de);
    if (arb === undefined) byDe.set(de, (arb = arbFieldValue(codec.spec.fields[de])));
    return arb;
  };
  return fc.tuple(arbMti, fc.oneof(...layouts)).chain(([mti, bands]) => {
    const des = bands.flat();
    return fc.tuple(...des.map(valueOf)).map((values) => {
      const msg = new IsoMessage(mti);
      des.forEach((de, i) => msg.set(de, values[i]));
      return msg;
    });
  });
}

type Mutation = (b: Buffer) => Buffer;

const at = (pos: number, b: Buffer): number => pos % (b.length + 1);

/** One byte-level edit; positions are taken modulo the current length so edits compose. */
const arbEdit: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((p): Mutation => (b) => b.subarray(0, at(p, b))),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([p, bit]): Mutation => (b) => {
    if (b.length === 0) return b;
    const out = Buffer.from(b);
    out[p % b.length] ^= 1 << bit;
    return out;
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([p, cut, bytes]): Mutation => (b) => {
    const i = at(p, b);
    return Buffer.concat([b.subarray(0, i), bytes, b.subarray(Math.min(b.length, i + cut))]);
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(([p, len]): Mutation => (b) => {
    const i = at(p, b);
    const slice = b.subarray(i, i + len);
    return Buffer.concat([b.subarray(0, i + slice.length), slice, b.subarray(i + slice.length)]);
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(([p, len]): Mutation => (b) => {
    const i = at(p, b);
    return Buffer.concat([b.subarray(0, i), b.subarray(i + len)]);
  }),
  // Bytes that mean something to a decoder: zero (binary, BCD), '0' (ASCII), F0 (EBCDIC '0'), pad F.
  fc.tuple(fc.nat(), fc.constantFrom(0x00, 0x30, 0xf0, 0xff, 0x7f, 0x80)).map(([p, value]): Mutation => (b) => {
    if (b.length === 0) return b;
    const out = Buffer.from(b);
    out[p % b.length] = value;
    return out;
  }),
);

/** `bytes` after one to four edits: truncate, flip a bit, splice in bytes, duplicate or delete a slice, set a byte. */
export function arbMutation(bytes: Uint8Array): fc.Arbitrary<Buffer> {
  return fc.array(arbEdit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce<Buffer>((b, edit) => edit(b), Buffer.from(bytes)));
}

/** One DE per distinct variable-length field definition (name and log treatment aside), ascending. */
export function variableFieldShapes(codec: Codec): number[] {
  const seen = new Map<string, number>();
  codec.fields.forEach((field, de) => {
    if (field === undefined || field.isFixed || (de === 65 && codec.hasTertiary)) return;
    const shape = JSON.stringify({ ...field.spec, name: undefined, sensitive: undefined });
    if (!seen.has(shape)) seen.set(shape, de);
  });
  return [...seen.values()];
}

/**
 * A message holding only field `de`, re-sent with its length prefix rewritten to boundary counts
 * (0, 1, 2, one off the original, the maximum and one past it, the prefix capacity, one random
 * count) and for each count a body of exactly the size that count announces, one byte less and
 * one byte more (extended with `fill`, or the body's last byte). Random edits almost never hit a
 * prefix exactly; these reach the empty and boundary lengths of a field.
 */
export function arbPrefixEdits(codec: Codec, de: number): fc.Arbitrary<Buffer[]> {
  const field = codec.fields[de];
  if (field === undefined || field.isFixed) throw new Error(`field ${de} is not a variable field of ${codec.name}`);
  const f = field.spec;
  // What the prefix counts, as the spec documents it: wire units for hex and BCD bodies when
  // lengthCounts is 'wire' (hex characters or BCD bytes, which equal wire bytes), value units otherwise.
  const countsWire = f.lengthCounts === 'wire' && (f.data === 'hex' || f.data === 'bcd');
  const wireOf = (count: number): number => (countsWire ? count : field.body.wireBytes(count));
  const limit = field.body.wireBytes(field.maxLength) + 2;
  const { width, capacity } = field.prefix;
  const arbFill = fc.option(fc.integer({ min: 0, max: 255 }));
  return fc.tuple(arbMti, arbFieldValue(f), fc.integer({ min: 0, max: capacity }), arbFill).map(([mti, value, random, fill]) => {
    const bytes = codec.pack(new IsoMessage(mti).set(de, value));
    const prefixAt = bytes.length - field.encodedSize(value, 0);
    const body = bytes.subarray(prefixAt + width);
    const count = field.prefix.read(bytes, prefixAt, de);
    const counts = new Set([0, 1, 2, count - 1, count + 1, field.maxLength, field.maxLength + 1, capacity, random]);
    const filler = fill ?? (body.length > 0 ? body[body.length - 1] : 0x30);
    return [...counts].filter((c) => c >= 0 && c <= capacity).flatMap((c) =>
      [-1, 0, 1].map((delta) => {
        const size = Math.min(limit, Math.max(0, wireOf(c) + delta));
        const out = Buffer.alloc(prefixAt + width + size, filler);
        bytes.copy(out, 0, 0, prefixAt);
        field.prefix.write(out, prefixAt, c);
        body.copy(out, prefixAt + width, 0, Math.min(size, body.length));
        return out;
      }),
    );
  });
}
