// The framing table of design.md §3: header bytes for a 291-byte message, per framing.

import type { Framing } from '../../../src/transport/index.js';

export const DESIGN_TABLE_291: ReadonlyArray<[Framing, string]> = [
  ['ascii4', '30323931'],
  ['binary2', '0123'],
  ['binary2-incl', '0125'],
  ['bcd2', '0291'],
  ['hex4', '30313233'],
  ['binary4', '00000123'],
  ['vmlh', '01230000'],
];
