// The original data elements a reversal names its original by, built from the original as the
// issuer link sent it: DE 90 (1987) or DE 56 (1993). Pure; throws only MappingError.

import type { IsoMessage, SpecVersion } from '../codec/index.js';
import { originalDataDe } from './edition-map.js';
import { MappingError } from './mapping-error.js';

function part(original: IsoMessage, de: number, length: number, target: number, spec: string): string {
  const v = original.get(de);
  if (typeof v !== 'string' || v.length !== length) {
    throw new MappingError('ISSUER_ORIGINAL_INCOMPLETE', target, spec, `the original lacks DE ${de} (${length} digits) to name it by`);
  }
  return v;
}

function institution(original: IsoMessage, de: number): string {
  const v = original.get(de);
  return typeof v === 'string' ? v : '';
}

/**
 * DE 90 (n 42) for a 1987 link: original MTI (4), STAN (6), DE 7 (10), acquirer (DE 32, 11,
 * zero-padded), forwarder (DE 33, 11, zeros when none); DE 56 (n ..35) for a 1993 link: MTI (4),
 * STAN (6), DE 12 local date and time (12), the acquirer ID as LL + digits (primer §7, docs/iso93.md).
 * @throws MappingError ISSUER_ORIGINAL_INCOMPLETE naming DE 90 (56) when `original` lacks its MTI,
 *   DE 11 or DE 7 (DE 12 in 1993).
 */
export function originalData(original: IsoMessage, version: SpecVersion, spec: string): string {
  const target = originalDataDe(version);
  if (!/^\d{4}$/.test(original.mti)) throw new MappingError('ISSUER_ORIGINAL_INCOMPLETE', target, spec, 'the original has no MTI to name it by');
  const stan = part(original, 11, 6, target, spec);
  const acquirer = institution(original, 32);
  if (version === 1993) return original.mti + stan + part(original, 12, 12, target, spec) + String(acquirer.length).padStart(2, '0') + acquirer;
  return original.mti + stan + part(original, 7, 10, target, spec) + acquirer.padStart(11, '0') + institution(original, 33).padStart(11, '0');
}
