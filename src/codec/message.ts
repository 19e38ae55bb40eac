// IsoMessage: an MTI and its data elements by DE number. Values are strings, except class b
// fields, which are bytes. No encoding knowledge lives here; see Codec for that.

import type { FieldValue } from './encodings.js';
import { HEX_BYTE } from './charsets.js';

export class IsoMessage {
  /** Four-digit message type indicator, e.g. '0100'. */
  mti: string;
  /** A frame header (such as a TPDU) that travelled with the message; the codec neither reads nor writes it. */
  header: Buffer | null;
  /** Values indexed by DE number; holes for absent fields. Binary values may be views of the frame. */
  readonly values: (FieldValue | undefined)[];

  constructor(mti = '', values: (FieldValue | undefined)[] = []) {
    this.mti = mti;
    this.header = null;
    this.values = values;
  }

  get(de: number): FieldValue | undefined {
    return this.values[de];
  }

  /** The value as text: b fields as uppercase hex. */
  getString(de: number): string | undefined {
    const v = this.values[de];
    return v === undefined || typeof v === 'string' ? v : toHex(v);
  }

  has(de: number): boolean {
    return this.values[de] !== undefined;
  }

  set(de: number, value: FieldValue): this {
    this.values[de] = value;
    return this;
  }

  unset(de: number): this {
    if (de < this.values.length) this.values[de] = undefined;
    return this;
  }

  /** DE numbers present, ascending. */
  fields(): number[] {
    const out: number[] = [];
    const v = this.values;
    for (let de = 2; de < v.length; de++) if (v[de] !== undefined) out.push(de);
    return out;
  }

  /** A copy that shares no memory with the frame it was decoded from (for keeping past the frame). */
  detach(): IsoMessage {
    const copy = new IsoMessage(this.mti, this.values.map((v) => (typeof v === 'string' || v === undefined ? v : Buffer.copyBytesFrom(v))));
    copy.header = this.header === null ? null : Buffer.copyBytesFrom(this.header);
    return copy;
  }
}

/** Uppercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX_BYTE[bytes[i]];
  return s;
}
