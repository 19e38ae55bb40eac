// IssuerMapping: how each field crosses between the terminals' spec and one issuer link's, decided
// once per link from the two codecs and the issuer's definition, so that mapping a message never
// branches on the specs again. Throws only MappingError.

import {
  EncodeError, specVersion, toHex, type Codec, type FieldValue, type SpecVersion,
} from '../codec/index.js';
import { COMMON_FIELDS, originalDataDe } from './edition-map.js';
import type { PinBlockRule, RemoteIssuerDefinition, TraceField } from './issuer-definition.js';
import { MappingError } from './mapping-error.js';

type FieldCodec = NonNullable<Codec['fields'][number]>;

/** How one DE crosses (per direction, indexed by DE). */
const SKIP = 0; // does not cross: replaced, rebuilt, or must never cross
const COPY = 1; // same class and room for any value the source spec allows: copied as is
const CHECK = 2; // copied, then checked against the target field (type, length; content when the classes differ)
const TO_HEX = 3; // binary to a text field: uppercase hex
const FROM_HEX = 4; // text to a binary field: from hex
const UNDEFINED = 5; // the target spec lacks the field

/**
 * Never copied from a terminal's request: the bitmap DEs, DE 7 and 11 (the link's own), and the
 * MACs (DE 64, 128: computed with the link's keys, not the terminal's).
 */
const NEVER_FORWARDED: readonly number[] = [1, 7, 11, 64, 65, 128];
/** The PIN block and its key information: encrypted under the terminal's key zone. */
const PIN_FIELDS: readonly number[] = [52, 53];
/** The local date and time, whose layout differs between the editions (carried by carryLocalTime). */
const LOCAL_TIME_FIELDS: readonly number[] = [12, 13];

export interface IssuerMappingOptions {
  /** The spec the terminals speak (serve's --spec). */
  readonly terminal: Codec;
  /** The issuer link's spec. */
  readonly issuer: Codec;
  /** DE 32 when a request has none; null (default): left out. */
  readonly acquirerId?: string | null;
  /** DE 33 when a request has none: the switch's ID on this link; null (default): left out. */
  readonly institutionId?: string | null;
  /** The link's trace field: the terminal's value of that DE never crosses. Default null. */
  readonly traceField?: TraceField | null;
  /** DE 52 and 53: `drop` (default) or `forward`. */
  readonly pinBlock?: PinBlockRule;
}

export class IssuerMapping {
  readonly terminal: Codec;
  readonly issuer: Codec;
  readonly terminalVersion: SpecVersion;
  readonly issuerVersion: SpecVersion;
  readonly isCrossEdition: boolean;
  readonly acquirerId: string | null;
  readonly institutionId: string | null;
  readonly traceField: TraceField | null;
  /** Per DE: how a terminal request's value crosses to the issuer. */
  readonly #toIssuer: Uint8Array;
  /** Per DE: how an issuer answer's value crosses to the terminal. */
  readonly #toTerminal: Uint8Array;

  /** @throws ConfigError never: options come checked (parseIssuerDefinitions); codecs compiled. */
  constructor(options: IssuerMappingOptions) {
    const { terminal, issuer } = options;
    this.terminal = terminal;
    this.issuer = issuer;
    this.terminalVersion = specVersion(terminal.spec);
    this.issuerVersion = specVersion(issuer.spec);
    this.isCrossEdition = this.terminalVersion !== this.issuerVersion;
    this.acquirerId = options.acquirerId ?? null;
    this.institutionId = options.institutionId ?? null;
    this.traceField = options.traceField ?? null;
    const kept = new Set<number>([...NEVER_FORWARDED, originalDataDe(this.terminalVersion)]);
    if ((options.pinBlock ?? 'drop') === 'drop') for (const de of PIN_FIELDS) kept.add(de);
    if (this.traceField !== null) kept.add(this.traceField.de);
    if (this.isCrossEdition) for (const de of LOCAL_TIME_FIELDS) kept.add(de);
    const common = this.isCrossEdition ? new Set(COMMON_FIELDS) : null;
    this.#toIssuer = plan(terminal, issuer, (de) => kept.has(de) || (common !== null && !common.has(de)));
    this.#toTerminal = plan(issuer, terminal, (de) => common !== null && !common.has(de));
  }

  /** The mapping for a remote issuer's link, from its definition. */
  static of(terminal: Codec, issuer: Codec, def: RemoteIssuerDefinition): IssuerMapping {
    const { acquirerId, institutionId, traceField, pinBlock } = def;
    return new IssuerMapping({ terminal, issuer, acquirerId, institutionId, traceField, pinBlock });
  }

  /**
   * HOT: the terminal's value `v` of DE `de` as the issuer's spec carries it; undefined when the
   * field does not cross.
   * @throws MappingError ISSUER_FIELD_UNMAPPABLE when the issuer's spec lacks the field or the value does not fit it.
   */
  toIssuer(de: number, v: FieldValue): FieldValue | undefined {
    return cross(this.#toIssuer[de], de, v, this.issuer, true);
  }

  /**
   * The issuer's value `v` of DE `de` as the terminal's spec carries it; undefined when the
   * terminal's spec lacks the field (an answer leaves out what the terminal cannot read).
   * @throws MappingError ISSUER_FIELD_UNMAPPABLE when the value does not fit the terminal's field.
   */
  toTerminal(de: number, v: FieldValue): FieldValue | undefined {
    return cross(this.#toTerminal[de], de, v, this.terminal, false);
  }
}

/** Decides, DE by DE, how a value of `from`'s spec crosses into `to`'s. */
function plan(from: Codec, to: Codec, isSkipped: (de: number) => boolean): Uint8Array {
  const out = new Uint8Array(from.fields.length);
  for (let de = 2; de < from.fields.length; de++) {
    const a = from.fields[de];
    const b = to.fields[de];
    if (a === undefined || isSkipped(de)) out[de] = SKIP;
    else if (b === undefined) out[de] = UNDEFINED;
    else if (a.isBinary !== b.isBinary) out[de] = a.isBinary ? TO_HEX : FROM_HEX;
    else out[de] = alwaysFits(a, b) ? COPY : CHECK;
  }
  return out;
}

/** True when every value field `a` can hold fits field `b` as is. */
function alwaysFits(a: FieldCodec, b: FieldCodec): boolean {
  if (a.spec.class !== b.spec.class || (b.isTlv && !a.isTlv)) return false;
  if (b.isFixed) return a.isFixed && a.maxLength === b.maxLength;
  return b.maxLength >= a.maxLength;
}

const HEX_RE = /^(?:[0-9A-Fa-f]{2})*$/;

/** HOT: `v` crossed by `how` into `target`'s DE `de`. */
function cross(how: number, de: number, v: FieldValue, target: Codec, isRequired: boolean): FieldValue | undefined {
  if (how === COPY) return v;
  if (how === SKIP) return undefined;
  if (how === UNDEFINED) {
    if (!isRequired) return undefined;
    throw new MappingError('ISSUER_FIELD_UNMAPPABLE', de, target.name, 'not defined by the issuer\'s spec');
  }
  let out = v;
  if (how === TO_HEX) out = toHex(v as Buffer);
  else if (how === FROM_HEX) {
    if (typeof v !== 'string' || !HEX_RE.test(v)) throw new MappingError('ISSUER_FIELD_UNMAPPABLE', de, target.name, 'text that is not hex cannot become the binary field');
    out = Buffer.from(v, 'hex');
  }
  checkFits(target.fields[de]!, out, target.name);
  return out;
}

/**
 * Runs the target field's own checks on `v`: type and length, then its content, written through the
 * field's codec into a scratch buffer (cold: only for fields whose specs differ).
 */
function checkFits(f: FieldCodec, v: FieldValue, spec: string): void {
  try {
    const bytes = f.encodedSize(v, 0);
    f.encode(Buffer.alloc(bytes), 0, v);
  } catch (err) {
    if (!(err instanceof EncodeError)) throw err;
    throw new MappingError('ISSUER_FIELD_UNMAPPABLE', f.de, spec, `does not fit: ${err.detail}`, { cause: err });
  }
}
