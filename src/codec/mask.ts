// Masking driven by each field's `sensitive` treatment: PAN-like values keep the first 6 and last 4
// digits, redacted values become ***, and `never` fields are left out of logs entirely.

import type { Codec } from './codec.js';
import type { FieldValue } from './encodings.js';
import type { IsoMessage } from './message.js';
import { toHex } from './message.js';

export const REDACTED = '***';

/** First 6 and last 4 characters kept, the rest as '*'; values of 10 or fewer characters fully starred. */
export function maskPan(pan: string): string {
  if (pan.length <= 10) return '*'.repeat(pan.length);
  return pan.slice(0, 6) + '*'.repeat(pan.length - 10) + pan.slice(-4);
}

/** The value as text: b fields as uppercase hex. */
export function valueText(v: FieldValue): string {
  return typeof v === 'string' ? v : toHex(v);
}

/** The value as it may be shown: masked, redacted or withheld according to the field's treatment. */
export function safeText(codec: Codec, de: number, v: FieldValue): string {
  const treatment = codec.fields[de]?.spec.sensitive;
  if (treatment === undefined) return valueText(v);
  if (treatment === 'mask') return maskPan(valueText(v));
  return REDACTED;
}

/**
 * The message's fields as a DE -> text map that is safe for logs, audit and spans: masked PANs,
 * redacted values, and `never` fields (tracks, PIN blocks) absent altogether.
 */
export function safeFieldMap(codec: Codec, msg: IsoMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const de of msg.fields()) {
    if (codec.fields[de]?.spec.sensitive === 'never') continue;
    out[de] = safeText(codec, de, msg.get(de)!);
  }
  return out;
}
