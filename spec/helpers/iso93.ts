// Requests of the 1993 edition (iso93ascii) for tests: 1xxx MTIs with 1993 field formats, fresh STANs. Test-only.

import { IsoMessage } from '../../src/codec/index.js';

let stanSeq = 100;
/** A fresh STAN for 1993 requests. */
export const nextStan93 = (): string => String(++stanSeq).padStart(6, '0');

/** A 1993 authorization or financial request with 1993 field formats (DE 12 n12, DE 22 an12, DE 24). */
export function request93(mti: string, pan: string, amount = '000000001000', extra: Record<number, string> = {}): IsoMessage {
  const msg = new IsoMessage(mti);
  const fields: Record<number, string> = {
    2: pan, 3: '000000', 4: amount, 7: '1205101500', 11: nextStan93(), 12: '261205111500', 22: '600101600000',
    24: mti === '1200' ? '200' : '100', 32: '123456', 41: 'TERM0093', 42: 'MERCHANT0000001', 49: '840', ...extra,
  };
  for (const [de, v] of Object.entries(fields)) if (v !== '') msg.set(Number(de), v);
  return msg;
}
