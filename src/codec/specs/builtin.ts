// The built-in specs: iso87ascii, iso87binary (jPOS ISO87APackager / ISO87BPackager byte for
// byte), iso87pos (a BCD POS-terminal flavour, primer example 4b) and iso93ascii (ISO93APackager).

import type { FieldSpec, MessageSpec } from '../spec.js';
import { ISO87_LAYOUT } from './iso87-layout.js';
import { ISO93_LAYOUT } from './iso93-layout.js';
import { ASCII_FLAVOUR, BCD_FLAVOUR, buildFields } from './layout.js';

const iso87ascii: MessageSpec = {
  name: 'iso87ascii',
  description: 'ISO 8583:1987, all ASCII, hex-ASCII bitmap (jPOS ISO87APackager)',
  mti: { encoding: 'ascii' },
  bitmap: { encoding: 'hex' },
  header: 'none',
  fields: buildFields(ISO87_LAYOUT, ASCII_FLAVOUR),
};

const binaryFields = buildFields(ISO87_LAYOUT, BCD_FLAVOUR);
// jPOS ISO87BPackager carries DE 55 as IFB_LLLBINARY: raw bytes behind a 2-byte BCD byte count.
binaryFields[55] = { name: 'ICC data', class: 'b', length: 999, prefix: 'bcd.LLL', data: 'binary', sensitive: 'redact' };

const iso87binary: MessageSpec = {
  name: 'iso87binary',
  description: 'ISO 8583:1987, BCD numerics and lengths, binary bitmap (jPOS ISO87BPackager)',
  mti: { encoding: 'bcd' },
  bitmap: { encoding: 'binary' },
  header: 'none',
  fields: binaryFields,
};

const bcdCurrency = (name: string): FieldSpec => ({ name, class: 'n', length: 3, prefix: 'fixed', data: 'bcd' });

// POS terminals pad odd track 2 and PAN digit counts with F, carry currencies in BCD, and send
// EMV data in DE 55 as BER-TLV behind a BCD byte count (primer section 4b).
const iso87pos: MessageSpec = {
  name: 'iso87pos',
  description: 'ISO 8583:1987 POS terminal: BCD, binary bitmap, pad F, TLV in DE 55, usually behind a TPDU',
  mti: { encoding: 'bcd' },
  bitmap: { encoding: 'binary' },
  header: 'tpdu',
  fields: {
    ...binaryFields,
    2: { ...binaryFields[2], padNibble: 'F' },
    35: { ...binaryFields[35], padNibble: 'F' },
    49: bcdCurrency('Currency code, transaction'),
    50: bcdCurrency('Currency code, settlement'),
    51: bcdCurrency('Currency code, cardholder billing'),
    55: { ...binaryFields[55], tlv: true },
  },
};

const iso93ascii: MessageSpec = {
  name: 'iso93ascii',
  description: 'ISO 8583:1993, all ASCII, hex-ASCII bitmap (jPOS ISO93APackager)',
  version: 1993,
  mti: { encoding: 'ascii' },
  bitmap: { encoding: 'hex' },
  header: 'none',
  fields: buildFields(ISO93_LAYOUT, ASCII_FLAVOUR),
};

/** Built-in specs by name. Frozen: callers extend them through a spec file, never in place. */
export const BUILTIN_SPECS: Readonly<Record<string, MessageSpec>> = Object.freeze({ iso87ascii, iso87binary, iso87pos, iso93ascii });
for (const spec of Object.values(BUILTIN_SPECS)) {
  for (const f of Object.values(spec.fields)) Object.freeze(f);
  Object.freeze(spec.fields);
  Object.freeze(spec.mti);
  Object.freeze(spec.bitmap);
  Object.freeze(spec);
}
