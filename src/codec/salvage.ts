// Reading on past a malformed field, so that the answer to a format error can echo what identifies
// the request (DE 11, 41, 7...) even when an earlier field is bad. Slow path: only after a failure.
// No I/O. Throws nothing of its own.

import type { Codec } from './codec.js';
import type { DecodeCursor, FieldValue } from './encodings.js';
import { DecodeError } from './errors.js';
import type { IsoMessage } from './message.js';
import { readOneBitmap } from './unpack.js';

/**
 * After decoding buf[start, end) into `msg` failed with `error` at a field, adds to `msg` the
 * fields after it that can still be read: a field whose length is known (fixed, or from a length
 * prefix that reads) but whose content is bad is stepped over, here and further on. Stops at the
 * first field whose extent cannot be known (a bad length prefix, truncation, a field the spec does
 * not define). Does nothing when the failure was not in a field (MTI, bitmap, trailing bytes).
 */
export function salvageFields(codec: Codec, buf: Buffer, start: number, end: number, msg: IsoMessage, error: DecodeError): void {
  const failed = error.field;
  if (typeof failed !== 'number') return;
  const cur: DecodeCursor = { buf, str: buf.toString('latin1', start, end), strBase: start };
  const words = [0, 0, 0, 0, 0, 0];
  const scratch: (FieldValue | undefined)[] = [];
  let pos = start + (codec.mtiEncoding === 'bcd' ? 2 : 4);
  try {
    pos = readOneBitmap(codec, buf, pos, end, words, 0);
    if ((words[0] & 0x80000000) !== 0) pos = readOneBitmap(codec, buf, pos, end, words, 2);
    for (let de = 2; de <= 192; de++) {
      if ((words[(de - 1) >> 5] & (0x80000000 >>> ((de - 1) & 31))) === 0) continue;
      if (de === 65 && codec.hasTertiary) {
        pos = readOneBitmap(codec, buf, pos, end, words, 4);
        continue;
      }
      const fc = codec.fields[de];
      if (fc === undefined) return;
      // Fields before the failed one are in `msg` already; the failed one is stepped over.
      if (de > failed) {
        try {
          pos = fc.decode(cur, pos, end, scratch);
          msg.set(de, scratch[de]!);
          continue;
        } catch (err) {
          if (!(err instanceof DecodeError)) throw err;
        }
      }
      pos = fc.extent(buf, pos, end);
      if (pos < 0) return;
    }
  } catch (err) {
    // A later bitmap that cannot be read ends the salvage like any unknown extent.
    if (!(err instanceof DecodeError)) throw err;
  }
}
