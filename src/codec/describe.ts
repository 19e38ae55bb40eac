// describe(): a readable dump of a message, one line per field with its number, format, name and
// value, masked by each field's treatment unless `reveal` is set. DE 55 TLV is broken down by tag,
// whether the spec carries it as bytes or as hex-ASCII text.

import { plural } from '../common/index.js';
import type { Codec } from './codec.js';
import { EMV_CARD_DATA_TAGS, EMV_TAG_NAMES } from './emv-tags.js';
import type { FieldValue } from './encodings.js';
import { maskPan, valueText } from './mask.js';
import type { IsoMessage } from './message.js';
import { toHex } from './message.js';
import { describeMti } from './mti.js';
import type { FieldSpec } from './spec.js';
import { decodeTlv, type TlvNode } from './tlv.js';

export interface DescribeOptions {
  /** Show sensitive values in clear (for a person at a terminal; never for logs). */
  reveal?: boolean;
}

/** The field's format in ISO notation: n 6, an..25, ans...999, b 8, x+n 8. */
export function formatOf(f: FieldSpec): string {
  const dots = f.prefix === 'fixed' ? ' ' : '.'.repeat(Math.min(4, f.prefix.split('.')[1].length));
  return `${f.class}${dots}${f.length}`;
}

function unitsOf(f: FieldSpec, v: FieldValue): string {
  if (typeof v !== 'string') return plural(v.length, 'byte');
  return plural(v.length, f.class === 'n' || f.class === 'z' || f.class === 'x+n' ? 'digit' : 'char');
}

function tlvLines(nodes: TlvNode[], indent: string, reveal: boolean): string[] {
  const lines: string[] = [];
  for (const n of nodes) {
    const name = EMV_TAG_NAMES[n.tag] ?? 'unknown tag';
    const hidden = !reveal && EMV_CARD_DATA_TAGS.has(n.tag);
    const value = n.children !== undefined ? '' : hidden ? `[withheld, ${plural(n.value.length, 'byte')}]` : toHex(n.value);
    lines.push(`${indent}${n.tag.padEnd(6)} ${name.padEnd(34)} ${value}`.trimEnd());
    if (n.children !== undefined) lines.push(...tlvLines(n.children, `${indent}  `, reveal));
  }
  return lines;
}

const HEX_TEXT_RE = /^(?:[0-9A-Fa-f]{2})+$/;

/** DE 55 as TLV nodes: its bytes, or in a text DE 55 (iso87ascii) the bytes its hex-ASCII spells; null when not TLV. */
function tryTlv(v: FieldValue): TlvNode[] | null {
  if (typeof v === 'string' && !HEX_TEXT_RE.test(v)) return null;
  const bytes = typeof v === 'string' ? Buffer.from(v, 'hex') : v;
  if (bytes.length === 0) return null;
  try {
    return decodeTlv(bytes);
  } catch {
    return null;
  }
}

function shown(f: FieldSpec, v: FieldValue, reveal: boolean, tlv: TlvNode[] | null): string {
  if (reveal || f.sensitive === undefined) return valueText(v);
  if (f.sensitive === 'mask') return maskPan(valueText(v));
  const tags = tlv === null ? '' : `: ${plural(tlv.length, 'tag')} ${tlv.map((n) => n.tag).join(' ')}`;
  return f.sensitive === 'never' ? `[withheld, ${unitsOf(f, v)}]` : `[redacted, ${unitsOf(f, v)}${tags}]`;
}

/** A multi-line dump of `msg` under `codec`. */
export function describe(codec: Codec, msg: IsoMessage, options: DescribeOptions = {}): string {
  const reveal = options.reveal === true;
  const lines = [`${codec.name}  MTI ${msg.mti}  ${describeMti(msg.mti)}`];
  if (msg.header !== null) lines.push(`  header   ${toHex(msg.header)}`);
  for (const de of msg.fields()) {
    const f = codec.fields[de]?.spec;
    const v = msg.get(de)!;
    if (f === undefined) {
      lines.push(`  DE ${String(de).padStart(3)}  (not in spec)`);
      continue;
    }
    const tlv = de === 55 ? tryTlv(v) : null;
    lines.push(`  DE ${String(de).padStart(3)}  ${formatOf(f).padEnd(9)} ${f.name.padEnd(38)} ${shown(f, v, reveal, tlv)}`.trimEnd());
    if (tlv !== null && (reveal || f.sensitive === undefined)) lines.push(...tlvLines(tlv, '             ', reveal));
  }
  return lines.join('\n');
}
