// Which data elements a message holds, as four numbers of 48 bits each (DE 1-48, 49-96, 97-144,
// 145-192): exact in a double, and far cheaper to keep in a summary and post to another thread than
// an array of field numbers. DE 1 (the secondary bitmap's flag) is never counted, as in fields().

import type { IsoMessage } from '../codec/index.js';

const BITS = 48;
const HALF = 2 ** 24;

/** Numbers a field mask takes in a flat array. */
export const FIELD_MASK_LENGTH = 4;

const POW2 = Float64Array.from({ length: BITS }, (_, i) => 2 ** i);

/** HOT: appends the mask of `msg` (or of no fields, for null) to `out`. */
export function pushFieldMask(out: unknown[], msg: IsoMessage | null): void {
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  if (msg !== null) {
    const v = msg.values;
    const last = Math.min(v.length, BITS * FIELD_MASK_LENGTH + 1);
    for (let de = 2; de < last; de++) {
      if (v[de] === undefined) continue;
      const bit = POW2[(de - 1) % BITS];
      if (de <= BITS) m0 += bit;
      else if (de <= 2 * BITS) m1 += bit;
      else if (de <= 3 * BITS) m2 += bit;
      else m3 += bit;
    }
  }
  out.push(m0, m1, m2, m3);
}

/** The field numbers of the mask at `at` in `flat`, as a JSON array's inside: `2,3,4,11`. */
export function fieldMaskList(flat: readonly unknown[], at: number): string {
  let out = '';
  for (let g = 0; g < FIELD_MASK_LENGTH; g++) {
    const m = flat[at + g] as number;
    if (m === 0) continue;
    // Two 24-bit halves, so that the bit tests stay in 32-bit integers.
    const halves = [m % HALF, Math.floor(m / HALF)];
    for (let h = 0; h < 2; h++) {
      for (let b = 0, bits = halves[h]; bits !== 0; b++, bits >>>= 1) {
        if ((bits & 1) !== 0) out += `${out === '' ? '' : ','}${g * BITS + h * 24 + b + 1}`;
      }
    }
  }
  return out;
}
