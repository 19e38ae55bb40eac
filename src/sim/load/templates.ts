// Prebuilt request frames of one load connection: one per message kind and card, framed for the
// chosen length header, with where the STAN sits so it can be patched in place. No I/O.

import { IsoMessage, NETWORK_CODES, specVersion, transmissionTime, type Codec } from '../../codec/index.js';
import { ConfigError } from '../../common/index.js';
import { FrameEncoder, NO_TPDU, type FrameHeader, type Framing } from '../../transport/index.js';
import { DEFAULT_TPDU } from '../default-tpdu.js';
import { ACTION_MTI_93, FUNCTION_CODES_93, POS_DATA_CODE_93 } from '../terminal/message-93.js';
import { KIND_MTI, LOAD_KINDS, type LoadKind } from './mix.js';

/** Writes a STAN (0..999999) into a frame at `at` in one wire encoding. */
type StanWriter = (frame: Buffer, at: number, stan: number) => void;

const writeDigits = (zero: number): StanWriter => (frame, at, stan) => {
  for (let i = at + 5; i >= at; i--) {
    frame[i] = zero + (stan % 10);
    stan = (stan / 10) | 0;
  }
};

const writeBcd: StanWriter = (frame, at, stan) => {
  for (let i = at + 2; i >= at; i--) {
    const two = stan % 100;
    frame[i] = (((two / 10) | 0) << 4) | two % 10;
    stan = (stan / 100) | 0;
  }
};

const WRITE_ASCII = writeDigits(0x30);
const WRITE_EBCDIC = writeDigits(0xf0);

/** One request frame (length header, TPDU if any, message) and its STAN patcher. */
export class FrameTemplate {
  readonly kind: LoadKind;
  readonly frame: Buffer;
  /** Bytes before the message: length header plus TPDU. */
  readonly headroom: number;
  readonly stanAt: number;
  readonly #write: StanWriter;

  constructor(kind: LoadKind, frame: Buffer, headroom: number, stanAt: number, write: StanWriter) {
    this.kind = kind;
    this.frame = frame;
    this.headroom = headroom;
    this.stanAt = stanAt;
    this.#write = write;
  }

  /** HOT: writes `stan` (0..999999) into the template in place. */
  patchStan(stan: number): void {
    this.#write(this.frame, this.stanAt, stan);
  }
}

export interface TemplateOptions {
  codec: Codec;
  framing: Framing;
  header: FrameHeader;
}

/** Terminal id (DE 41, 8 characters) of connection `index` (0-based): LD000001, LD000002, ... */
export function terminalId(index: number): string {
  return `LD${String(index + 1).padStart(6, '0')}`;
}

/**
 * The request of `kind`: one cent, so a card's balance lasts; no DE 14, which the issuer would
 * have to match. In the spec's edition: 0100/0200/0800 (DE 70 301), or 1100/1200/1804 (DE 24
 * 831) with 1993 field formats. Fields the spec lacks are left out.
 */
function requestOf(kind: LoadKind, codec: Codec, pan: string, terminal: string, stan: string): IsoMessage {
  const is1993 = specVersion(codec.spec) === 1993;
  const msg = new IsoMessage(is1993 ? ACTION_MTI_93[kind] : KIND_MTI[kind]);
  const de7 = transmissionTime(new Date());
  const values: Array<[number, string]> = kind === 'echo'
    ? (is1993 ? [[7, de7], [11, stan], [24, FUNCTION_CODES_93.echo]] : [[7, de7], [11, stan], [NETWORK_CODES.de, NETWORK_CODES.echo]])
    : [[2, pan], [3, '000000'], [4, '000000000001'], [7, de7], [11, stan],
      ...(is1993 ? [[12, '261123120000'], [18, '5999'], [22, POS_DATA_CODE_93], [24, FUNCTION_CODES_93[kind]]] as Array<[number, string]>
        : [[12, '120000'], [13, '1123'], [18, '5999'], [22, '012'], [25, '00']] as Array<[number, string]>),
      [32, '123456'], [41, terminal], [42, 'ISOTRACELOAD001'], [49, '840']];
  for (const [de, value] of values) if (codec.fields[de] !== undefined) msg.set(de, value);
  return msg;
}

/**
 * The framed request of `kind` for `pan` and `terminal`. The STAN is found by packing twice with
 * different STANs: the bytes that differ are the field body (6 ASCII/EBCDIC digits or 3 BCD bytes).
 * @throws EncodeError when the spec cannot encode the request; ConfigError when its STAN is not a 6-digit field.
 */
export function buildTemplate(kind: LoadKind, pan: string, terminal: string, options: TemplateOptions): FrameTemplate {
  const encoder = new FrameEncoder({ framing: options.framing, header: options.header });
  const tpdu = options.header === 'tpdu' ? DEFAULT_TPDU : NO_TPDU;
  const a = encoder.frameInPlace(options.codec.pack(requestOf(kind, options.codec, pan, terminal, '123456'), encoder.headroom), tpdu);
  const b = options.codec.pack(requestOf(kind, options.codec, pan, terminal, '654321'), encoder.headroom);
  let first = -1;
  let last = -1;
  for (let i = encoder.headroom; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (first < 0) first = i;
    last = i;
  }
  const size = last - first + 1;
  const write = size === 6 && a[first] === 0x31 ? WRITE_ASCII : size === 6 && a[first] === 0xf1 ? WRITE_EBCDIC : size === 3 && a[first] === 0x12 ? writeBcd : null;
  if (first < 0 || write === null) throw new ConfigError('spec', `${options.codec.name}: DE 11 (STAN) is not a fixed 6-digit field`);
  return new FrameTemplate(kind, a, encoder.headroom, first, write);
}

/** Templates of one connection, indexed [kindIndex * cards + cardIndex]; echo has one per card too (all alike). */
export function connectionTemplates(index: number, cards: readonly string[], options: TemplateOptions): FrameTemplate[] {
  const terminal = terminalId(index);
  const out: FrameTemplate[] = [];
  for (const kind of LOAD_KINDS) for (const pan of cards) out.push(buildTemplate(kind, pan, terminal, options));
  return out;
}
