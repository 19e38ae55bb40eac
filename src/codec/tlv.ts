// BER-TLV for DE 55 (EMV ICC data): multi-byte tags, short and long-form lengths, constructed tags
// broken down, unknown tags kept in order. Throws only DecodeError / EncodeError.

import { DecodeError, EncodeError } from './errors.js';
import { toHex } from './message.js';

/** EMV nests templates two or three deep; anything past this is hostile or broken. */
const MAX_DEPTH = 16;

export interface TlvNode {
  /** Tag as uppercase hex, e.g. '9F26'. */
  tag: string;
  /** Value bytes (for a constructed tag, its encoded children). */
  value: Buffer;
  /** Children, when the tag is constructed (bit 6 of its first byte set). */
  children?: TlvNode[];
}

/**
 * Parses buf[start, end) as a sequence of BER-TLV objects. Errors name `field` and the offset
 * `base` + the position in `buf` (times `scale`, 2 when the wire carries hex) of a truncated tag,
 * length or value, or a bad length form.
 */
export function decodeTlv(buf: Buffer, start = 0, end = buf.length, field = 55, base = 0, scale = 1, depth = 0): TlvNode[] {
  const bad = (offset: number, detail: string): DecodeError =>
    new DecodeError('CODEC_BAD_TLV', { field, offset: base + offset * scale, detail });
  if (depth > MAX_DEPTH) throw bad(start, `templates nest deeper than ${MAX_DEPTH}`);
  const out: TlvNode[] = [];
  let at = start;
  while (at < end) {
    const tagAt = at;
    let tagEnd = at + 1;
    if ((buf[at] & 0x1f) === 0x1f) {
      // More tag bytes follow; each with bit 8 set announces one more.
      do {
        if (tagEnd >= end) throw bad(tagAt, 'tag is truncated');
        tagEnd++;
      } while ((buf[tagEnd - 1] & 0x80) !== 0);
    }
    if (tagEnd >= end) throw bad(tagAt, 'length is missing');
    const lenAt = tagEnd;
    let len = buf[lenAt];
    let valueAt = lenAt + 1;
    if (len === 0x80) throw bad(lenAt, 'indefinite length is not allowed');
    if (len > 0x80) {
      const n = len & 0x7f;
      if (n > 3) throw bad(lenAt, `length of ${n} bytes is too large`);
      if (valueAt + n > end) throw bad(lenAt, 'length is truncated');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[valueAt + i];
      valueAt += n;
    }
    if (valueAt + len > end) throw bad(valueAt, `value needs ${len} bytes but ${end - valueAt} remain`);
    const node: TlvNode = { tag: toHex(buf.subarray(tagAt, tagEnd)), value: buf.subarray(valueAt, valueAt + len) };
    if ((buf[tagAt] & 0x20) !== 0) node.children = decodeTlv(buf, valueAt, valueAt + len, field, base, scale, depth + 1);
    out.push(node);
    at = valueAt + len;
  }
  return out;
}

const TAG_RE = /^(?:[0-9A-F]{2})+$/;

function tagBytes(tag: string, field: number): Buffer {
  const t = tag.toUpperCase();
  if (!TAG_RE.test(t)) throw new EncodeError('CODEC_BAD_TLV', { field, offset: 0, detail: 'tag must be hex' });
  const b = Buffer.from(t, 'hex');
  const multi = (b[0] & 0x1f) === 0x1f;
  const wellFormed = multi ? b.length >= 2 && b.subarray(1, -1).every((x) => (x & 0x80) !== 0) && (b[b.length - 1] & 0x80) === 0 : b.length === 1;
  if (!wellFormed) throw new EncodeError('CODEC_BAD_TLV', { field, offset: 0, detail: 'tag bytes do not follow BER continuation rules' });
  return b;
}

function lengthBytes(len: number): number[] {
  if (len < 0x80) return [len];
  if (len < 0x100) return [0x81, len];
  if (len < 0x10000) return [0x82, len >> 8, len & 0xff];
  return [0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
}

/** Encodes TLV nodes in order; a node with children is encoded from them. */
export function encodeTlv(nodes: readonly TlvNode[], field = 55): Buffer {
  const parts: Buffer[] = [];
  for (const node of nodes) {
    const value = node.children !== undefined ? encodeTlv(node.children, field) : node.value;
    parts.push(tagBytes(node.tag, field), Buffer.from(lengthBytes(value.length)), value);
  }
  return Buffer.concat(parts);
}
