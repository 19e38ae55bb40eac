// Codec benchmark: packs and unpacks the reference 0100 (issue #2) in iso87ascii and iso87binary,
// every check on, and prints the median microseconds per message.

import { builtinCodec, IsoMessage } from '../src/codec/index.js';
import { measure, us } from './measure.js';

// The reference authorization of the codec issue: a Visa-range test PAN, track 2, 17 fields.
const REFERENCE: Record<number, string> = {
  2: '4761739001010010', 3: '000000', 4: '000000010000', 7: '0101120000', 11: '123456', 12: '120000',
  13: '0101', 14: '2512', 18: '5999', 22: '051', 25: '00', 35: '4761739001010010=25122011143804400000',
  37: '000000123456', 41: 'TERM0001', 42: 'MERCHANT0000001', 43: 'ACME STORE             SAN FRANCISCO  US',
  49: '840',
};

export function run(): void {
  console.log('codec: reference 0100, 17 fields, median of 25 batches of 20,000');
  for (const name of ['iso87ascii', 'iso87binary']) {
    const codec = builtinCodec(name);
    const msg = new IsoMessage('0100');
    for (const [de, v] of Object.entries(REFERENCE)) msg.set(Number(de), v);
    const bytes = codec.pack(msg);
    const unpack = measure(() => codec.unpack(bytes));
    const pack = measure(() => codec.pack(msg));
    console.log(`  ${name.padEnd(12)} ${String(bytes.length).padStart(4)} bytes   unpack ${us(unpack.medianNs)} µs   pack ${us(pack.medianNs)} µs`);
  }
}
