// Masking driven by each field's `sensitive` treatment: PAN-like values keep at most the first 6 and
// last 4 digits and always hide at least 6, redacted values become ***, and `never` fields are left
// out of logs entirely.

import type { Codec } from './codec.js';
import type { FieldValue } from './encodings.js';
import type { IsoMessage } from './message.js';
import { toHex } from './message.js';

export const REDACTED = '***';

/** Characters a masked value always hides (all of them when it is shorter). */
const MASK_MIN_HIDDEN = 6;
/** Characters a masked value never exceeds in clear: first 6 and last 4 (PCI DSS 3.4). */
const MASK_MAX_SHOWN = 10;

/**
 * The value with its middle as '*': at most the first 6 and last 4 characters shown, and at least 6
 * hidden, so a short PAN keeps fewer in clear (the last 4 first, then up to 6 of the front; 11
 * digits show 1 + 4, 10 show the last 4, 6 or fewer none). With a single digit hidden, the Luhn check
 * digit would give it back; with six, a million candidates remain.
 */
export function maskPan(pan: string): string {
  const n = pan.length;
  const shown = Math.min(MASK_MAX_SHOWN, Math.max(0, n - MASK_MIN_HIDDEN));
  const last = Math.min(4, shown);
  return pan.slice(0, shown - last) + '*'.repeat(n - shown) + pan.slice(n - last);
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
