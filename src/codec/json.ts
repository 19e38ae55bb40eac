// JSON form of a message, both ways: {"mti": "0100", "fields": {"2": "...", ...}} with values as
// strings, b fields as uppercase hex, and DE 55 (or any b field) optionally as a list of
// {tag, value} on input.

import type { Codec } from './codec.js';
import type { FieldValue } from './encodings.js';
import { EncodeError } from './errors.js';
import { safeText, valueText } from './mask.js';
import { IsoMessage, toHex } from './message.js';
import { encodeTlv, type TlvNode } from './tlv.js';

export interface TlvJson {
  tag: string;
  value?: string;
  children?: TlvJson[];
}

export interface MessageJson {
  mti: string;
  /** Frame header (a TPDU) as hex, when the message travelled with one. */
  header?: string;
  fields: Record<string, string | TlvJson[]>;
}

/** The JSON form of `msg`; sensitive values masked unless `reveal`. */
export function toJson(codec: Codec, msg: IsoMessage, options: { reveal?: boolean } = {}): MessageJson {
  const fields: Record<string, string> = {};
  for (const de of msg.fields()) {
    const v = msg.get(de)!;
    fields[de] = options.reveal === true ? valueText(v) : safeText(codec, de, v);
  }
  return msg.header === null ? { mti: msg.mti, fields } : { header: toHex(msg.header), mti: msg.mti, fields };
}

function badJson(field: number | 'message' | 'mti' | 'header', detail: string): EncodeError {
  return new EncodeError('CODEC_BAD_JSON', { field, offset: 0, detail });
}

const HEX_RE = /^(?:[0-9A-Fa-f]{2})*$/;

function hexBytes(de: number | 'header', s: unknown): Buffer {
  if (typeof s !== 'string' || !HEX_RE.test(s)) throw badJson(de, 'binary values are hex strings of whole bytes');
  return Buffer.from(s, 'hex');
}

function tlvNodes(de: number, list: unknown): TlvNode[] {
  if (!Array.isArray(list)) throw badJson(de, 'TLV data is a list of {"tag", "value"} objects');
  return list.map((item: unknown) => {
    if (item === null || typeof item !== 'object') throw badJson(de, 'each TLV entry is an object');
    const { tag, value, children } = item as TlvJson;
    if (typeof tag !== 'string') throw badJson(de, 'each TLV entry has a hex "tag"');
    if (children !== undefined) return { tag, value: Buffer.alloc(0), children: tlvNodes(de, children) };
    return { tag, value: hexBytes(de, value ?? '') };
  });
}

/**
 * A list of tags as the field carries it: BER-TLV bytes in a b field; in a text DE 55 (jPOS
 * ISO87APackager's LLLCHAR, so iso87ascii), the same bytes as uppercase hex-ASCII.
 */
function tlvValue(isBinary: boolean, de: number, list: unknown[]): FieldValue {
  if (!isBinary && de !== 55) throw badJson(de, 'a list of tags is taken by DE 55 and binary fields only');
  const bytes = encodeTlv(tlvNodes(de, list), de);
  return isBinary ? bytes : toHex(bytes);
}

/**
 * The message described by `json` (parsed JSON). Checks the shape and that every field exists in
 * the spec; the values themselves are checked when the message is packed.
 * @throws EncodeError CODEC_BAD_JSON or CODEC_UNDEFINED_FIELD.
 */
export function fromJson(codec: Codec, json: unknown): IsoMessage {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw badJson('message', 'expected an object with "mti" and "fields"');
  const { mti, fields, header } = json as Partial<MessageJson>;
  if (typeof mti !== 'string') throw badJson('mti', '"mti" must be a string');
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw badJson('message', '"fields" must be an object keyed by field number');
  const msg = new IsoMessage(mti);
  if (header !== undefined) msg.header = hexBytes('header', header);
  for (const [key, raw] of Object.entries(fields)) {
    const de = Number(key);
    if (!/^\d+$/.test(key) || de < 2 || de > 192) throw badJson('message', `"${key}" is not a field number from 2 to 192`);
    const fc = codec.fields[de];
    if (fc === undefined) throw new EncodeError('CODEC_UNDEFINED_FIELD', { field: de, offset: 0, detail: 'the spec does not define this field' });
    let v: FieldValue;
    if (Array.isArray(raw)) v = tlvValue(fc.isBinary, de, raw);
    else if (fc.isBinary) v = hexBytes(de, raw);
    else if (typeof raw === 'string') v = raw;
    else throw badJson(de, 'values are strings');
    msg.set(de, v);
  }
  return msg;
}
