// Messages for a remote issuer's link as the store-and-forward queue keeps them (generic text,
// binary fields as hex), and back; and the hold an approval leaves: what names the original as
// the link sent it. Pure.

import { IsoMessage, type Codec, type SpecVersion } from '../../codec/index.js';

/** `msg`'s fields as text by DE number: binary ones as hex (the queue knows no codec). */
export function adviceFields(msg: IsoMessage): Record<number, string> {
  const out: Record<number, string> = {};
  for (const de of msg.fields()) {
    const v = msg.get(de)!;
    out[de] = typeof v === 'string' ? v : v.toString('hex');
  }
  return out;
}

/** The message `mti` with `fields` as adviceFields kept them, binary fields (under `codec`) back from hex. */
export function adviceMessage(mti: string, fields: Readonly<Record<number, string>>, codec: Codec): IsoMessage {
  const msg = new IsoMessage(mti);
  for (const [key, text] of Object.entries(fields)) {
    const de = Number(key);
    msg.set(de, codec.fields[de]?.isBinary === true ? Buffer.from(text, 'hex') : text);
  }
  return msg;
}

/**
 * The hold of an approval by a remote issuer: the original's MTI, STAN and transmission time as
 * the link sent them (DE 7, or DE 12 on a 1993 link), which its reversal names it by (DE 90, 56).
 * 20 or 22 characters.
 */
export function holdOf(sent: IsoMessage, version: SpecVersion): string {
  return `${sent.mti}${String(sent.get(11) ?? '')}${String(sent.get(version === 1993 ? 12 : 7) ?? '')}`;
}

/** The original a hold names, with `acquirer` (DE 32) and `forwarder` (DE 33) as its reversal carries them; null for a hold not made by holdOf. */
export function originalOfHold(holdId: string, version: SpecVersion): IsoMessage | null {
  const timeLength = version === 1993 ? 12 : 10;
  if (holdId.length !== 10 + timeLength || !/^\d+$/.test(holdId)) return null;
  return new IsoMessage(holdId.slice(0, 4)).set(11, holdId.slice(4, 10)).set(version === 1993 ? 12 : 7, holdId.slice(10));
}
