// Which data elements a message holds, as four numbers of 48 bits each (DE 1-48, 49-96, 97-144,
// 145-192): exact in a double, and far cheaper to keep in a summary and post to another thread than
// an array of field numbers. DE 1 (the secondary bitmap's flag) is never counted, as in fields().

import type { IsoMessage } from '../codec/index.js';

const BITS = 48;

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
