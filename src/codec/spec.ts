// Spec types (specs are data) and validateSpec(): every field definition is checked once, when a
// spec is loaded, and a bad one fails with a SpecError naming the spec, the field and the problem.

import { SpecError } from './errors.js';

/** ISO 8583 data classes. */
export const FIELD_CLASSES = ['n', 'a', 'an', 'ans', 'ns', 'b', 'z', 'x+n'] as const;
export type FieldClass = (typeof FIELD_CLASSES)[number];

/** How a field's body is written on the wire. */
export const DATA_ENCODINGS = ['ascii', 'bcd', 'binary', 'hex', 'ebcdic'] as const;
export type DataEncoding = (typeof DATA_ENCODINGS)[number];

export const PREFIX_ENCODINGS = ['ascii', 'bcd', 'binary', 'ebcdic'] as const;
export type PrefixEncoding = (typeof PREFIX_ENCODINGS)[number];
export const PREFIX_WIDTHS = ['L', 'LL', 'LLL', 'LLLL'] as const;
export type PrefixWidth = (typeof PREFIX_WIDTHS)[number];
/** `fixed`, or a length prefix named as on the wire: `ascii.LL`, `bcd.LLL`, `binary.LL`, `ebcdic.LLL`. */
export type Prefix = 'fixed' | `${PrefixEncoding}.${PrefixWidth}`;

/** Log and dump treatment: keep first 6 / last 4, replace by `***`, or never show at all. */
export const SENSITIVITIES = ['mask', 'redact', 'never'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

export interface FieldSpec {
  name: string;
  class: FieldClass;
  /** Exact (fixed) or maximum (variable) length: digits for n/z/x+n (sign excluded), chars for text, bytes for b. */
  length: number;
  prefix: Prefix;
  data: DataEncoding;
  /** BCD: side of the pad nibble for odd digit counts. Default: left when fixed, right when variable. */
  pad?: 'left' | 'right';
  /** BCD: the pad nibble, '0' (jPOS) or 'F' (many terminal specs). Default '0'. */
  padNibble?: '0' | 'F';
  /** What a length prefix counts: the value's units (digits, chars, bytes; default) or wire bytes/chars. */
  lengthCounts?: 'value' | 'wire';
  /** x+n: the sign characters accepted. Default 'CD'. */
  signs?: string;
  sensitive?: Sensitivity;
  /** The body is BER-TLV (EMV ICC data): checked when decoding, broken down in dumps. */
  tlv?: boolean;
}

/** The edition of ISO 8583 a spec speaks: the MTI's first digit, DE 39's width, how reversals name originals. */
export const SPEC_VERSIONS = [1987, 1993] as const;
export type SpecVersion = (typeof SPEC_VERSIONS)[number];

export interface MessageSpec {
  name: string;
  description: string;
  /** ISO 8583 edition of the messages (1987: 0xxx MTIs; 1993: 1xxx MTIs, 3-digit action codes). Default 1987. */
  version?: SpecVersion;
  mti: { encoding: 'ascii' | 'bcd' | 'ebcdic' };
  bitmap: { encoding: 'binary' | 'hex'; tertiary?: boolean };
  /** A frame header this flavour usually travels with (a hint for commands; the codec ignores it). */
  header?: 'tpdu' | 'none';
  /** Field definitions keyed by DE number (2..128, or 2..192 with a tertiary bitmap). */
  fields: Record<number, FieldSpec>;
}

/** A spec as written in a JSON file: it may extend a built-in or another file and override fields. */
export interface SpecFile {
  name?: string;
  description?: string;
  extends?: string;
  version?: SpecVersion;
  mti?: MessageSpec['mti'];
  bitmap?: MessageSpec['bitmap'];
  header?: MessageSpec['header'];
  fields?: Record<string, Partial<FieldSpec> | null>;
}

const PREFIX_CAPACITY: Record<PrefixEncoding, Record<PrefixWidth, number>> = {
  ascii: { L: 9, LL: 99, LLL: 999, LLLL: 9999 },
  ebcdic: { L: 9, LL: 99, LLL: 999, LLLL: 9999 },
  bcd: { L: 99, LL: 99, LLL: 999, LLLL: 9999 },
  binary: { L: 255, LL: 255, LLL: 65535, LLLL: 65535 },
};

const NUMERIC_CLASSES: ReadonlySet<FieldClass> = new Set(['n', 'z', 'x+n']);
const FIELD_KEYS: ReadonlySet<string> = new Set(['name', 'class', 'length', 'prefix', 'data', 'pad', 'padNibble', 'lengthCounts', 'signs', 'sensitive', 'tlv']);

/** Splits a prefix name into its encoding and width; null for 'fixed'. */
export function parsePrefix(prefix: Prefix): { encoding: PrefixEncoding; width: PrefixWidth } | null {
  if (prefix === 'fixed') return null;
  const [encoding, width] = prefix.split('.') as [PrefixEncoding, PrefixWidth];
  return { encoding, width };
}

/** Largest length a prefix can express, in what it counts. */
export function prefixCapacity(prefix: Prefix): number {
  const p = parsePrefix(prefix);
  return p === null ? Infinity : PREFIX_CAPACITY[p.encoding][p.width];
}

function oneOf<T extends string>(list: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}

function isPrefix(v: unknown): v is Prefix {
  if (v === 'fixed') return true;
  if (typeof v !== 'string') return false;
  const [e, w, extra] = v.split('.');
  return extra === undefined && oneOf(PREFIX_ENCODINGS, e) && oneOf(PREFIX_WIDTHS, w);
}

/** Largest length, in the prefix's own units, that a field of this definition can occupy. */
function countedMax(f: FieldSpec): number {
  if (f.lengthCounts !== 'wire') return f.length;
  if (f.data === 'hex') return f.length * 2;
  if (f.data === 'bcd') return Math.ceil(f.length / 2) + (f.class === 'x+n' ? 1 : 0);
  return f.length;
}

/** Checks one field definition; throws SpecError naming `where` and the problem. */
export function validateField(where: string, f: FieldSpec): void {
  const fail = (detail: string): never => {
    throw new SpecError('SPEC_INVALID', where, detail);
  };
  if (f === null || typeof f !== 'object') fail('definition must be an object');
  for (const key of Object.keys(f)) if (!FIELD_KEYS.has(key)) fail(`unknown key "${key}" (known: ${[...FIELD_KEYS].join(', ')})`);
  if (typeof f.name !== 'string' || f.name.length === 0) fail('name must be a non-empty string');
  if (!oneOf(FIELD_CLASSES, f.class)) fail(`class must be one of ${FIELD_CLASSES.join(', ')}`);
  if (!Number.isInteger(f.length) || f.length < 1) fail('length must be a whole number of at least 1');
  if (!isPrefix(f.prefix)) fail('prefix must be fixed or ENC.WIDTH with ENC ascii|bcd|binary|ebcdic and WIDTH L|LL|LLL|LLLL');
  if (!oneOf(DATA_ENCODINGS, f.data)) fail(`data must be one of ${DATA_ENCODINGS.join(', ')}`);
  if (f.pad !== undefined && f.pad !== 'left' && f.pad !== 'right') fail('pad must be left or right');
  if (f.padNibble !== undefined && f.padNibble !== '0' && f.padNibble !== 'F') fail("padNibble must be '0' or 'F'");
  if (f.lengthCounts !== undefined && f.lengthCounts !== 'value' && f.lengthCounts !== 'wire') fail('lengthCounts must be value or wire');
  if (f.sensitive !== undefined && !oneOf(SENSITIVITIES, f.sensitive)) fail(`sensitive must be one of ${SENSITIVITIES.join(', ')}`);
  if (f.tlv !== undefined && typeof f.tlv !== 'boolean') fail('tlv must be true or false');
  if (f.signs !== undefined && (typeof f.signs !== 'string' || !/^[CD0]{1,3}$/.test(f.signs))) fail('signs must be made of C, D and 0');
  if (f.signs !== undefined && f.class !== 'x+n') fail('signs applies only to class x+n');

  const isNumeric = NUMERIC_CLASSES.has(f.class);
  if (f.class === 'b') {
    if (f.data !== 'binary' && f.data !== 'hex') fail('class b takes data binary or hex');
  } else if (f.data === 'binary' || f.data === 'hex') {
    fail(`data ${f.data} is only for class b`);
  }
  if (f.data === 'bcd' && !isNumeric) fail('data bcd is only for classes n, z and x+n');
  if (f.tlv === true && f.class !== 'b') fail('tlv requires class b');
  if ((f.pad !== undefined || f.padNibble !== undefined) && f.data !== 'bcd') fail('pad and padNibble apply only to bcd data');
  if (f.lengthCounts === 'wire' && f.data === 'bcd' && f.prefix !== 'fixed' && f.padNibble !== 'F' && f.class !== 'x+n') {
    fail("a bcd length counting wire bytes needs padNibble 'F' so that an odd digit count can be told apart");
  }
  if (f.prefix === 'fixed' && f.lengthCounts === 'wire') fail('lengthCounts applies only to variable fields');
  if (countedMax(f) > prefixCapacity(f.prefix)) {
    fail(`length ${f.length} does not fit prefix ${f.prefix} (max ${prefixCapacity(f.prefix)})`);
  }
}

/** The ISO 8583 edition `spec` speaks: its `version`, else 1987. */
export function specVersion(spec: MessageSpec): SpecVersion {
  return spec.version ?? 1987;
}

/** Checks a whole spec; throws SpecError at the first problem. */
export function validateSpec(spec: MessageSpec): void {
  const where = `spec ${spec.name}`;
  const fail = (detail: string): never => {
    throw new SpecError('SPEC_INVALID', where, detail);
  };
  if (typeof spec.name !== 'string' || spec.name.length === 0) fail('name must be a non-empty string');
  if (!spec.mti || !['ascii', 'bcd', 'ebcdic'].includes(spec.mti.encoding)) fail('mti.encoding must be ascii, bcd or ebcdic');
  if (!spec.bitmap || !['binary', 'hex'].includes(spec.bitmap.encoding)) fail('bitmap.encoding must be binary or hex');
  if (spec.header !== undefined && spec.header !== 'tpdu' && spec.header !== 'none') fail('header must be tpdu or none');
  if (spec.version !== undefined && !(SPEC_VERSIONS as readonly unknown[]).includes(spec.version)) fail(`version must be one of ${SPEC_VERSIONS.join(', ')}`);
  const maxDe = spec.bitmap.tertiary === true ? 192 : 128;
  for (const key of Object.keys(spec.fields)) {
    const de = Number(key);
    if (!Number.isInteger(de) || de < 2 || de > maxDe) fail(`field ${key}: field numbers run from 2 to ${maxDe}`);
    if (de === 65 && spec.bitmap.tertiary === true) fail('field 65: carries the tertiary bitmap and cannot be defined');
    validateField(`${where} field ${de}`, spec.fields[de]);
  }
}
