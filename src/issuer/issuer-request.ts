// The terminal's request as the issuer link sends it: re-packed field by field for the link's own
// spec (IssuerMapping), with the switch's own STAN and DE 7, DE 32/33 kept or filled, DE 37
// assigned if absent, and for a reversal the original's data as this link saw it. Pure.

import { IsoMessage, transmissionTime } from '../codec/index.js';
import { carryLocalTime, mtiIn, originalDataDe } from './edition-map.js';
import type { IssuerMapping } from './issuer-mapping.js';
import { originalData } from './original-data.js';

/** What differs per request on the link. */
export interface IssuerLeg {
  /** DE 11: the link's own STAN, six digits (its StanCounter). */
  readonly stan: string;
  /** When the request is sent: DE 7 (MMDDhhmmss, UTC). */
  readonly now: Date;
  /** DE 37 when the request has none: the switch's RRN, the one the terminal's answer carries. */
  readonly rrn: string;
  /**
   * For a reversal (x4xx): the original as it was sent to this issuer (its STAN and DE 7, not the
   * terminal's): DE 90 (DE 56 in 1993) is built from it. Absent or null: the reversal goes without.
   */
  readonly original?: IsoMessage | null;
}

/**
 * HOT: `request` (decoded with `mapping.terminal`) as the issuer link sends it, under
 * `mapping.issuer`: every field the link's spec defines and the request carries, but DE 7 and 11
 * (the link's own), the MACs, the terminal's DE 90 (or 56: it names the terminal's leg), DE 52 and
 * 53 unless the issuer forwards PIN blocks, and the trace field; across editions only the fields
 * that mean the same in both. No frame header: the terminal's TPDU is framing.
 * @throws MappingError ISSUER_FIELD_UNMAPPABLE naming the first field the issuer's spec cannot
 *   carry; ISSUER_ORIGINAL_INCOMPLETE when `original` lacks what its original data is built from.
 */
export function toIssuerRequest(request: IsoMessage, mapping: IssuerMapping, leg: IssuerLeg): IsoMessage {
  const out = new IsoMessage(mtiIn(request.mti, mapping.issuerVersion));
  const values = request.values;
  for (let de = 2; de < values.length; de++) {
    const v = values[de];
    if (v === undefined) continue;
    const mapped = mapping.toIssuer(de, v);
    if (mapped !== undefined) out.values[de] = mapped;
  }
  if (mapping.isCrossEdition) carryLocalTime(request, out, mapping.terminalVersion, mapping.issuerVersion, leg.now);
  out.set(7, transmissionTime(leg.now)).set(11, leg.stan);
  const fields = mapping.issuer.fields;
  fillAbsent(out, 32, mapping.acquirerId, fields);
  fillAbsent(out, 33, mapping.institutionId, fields);
  fillAbsent(out, 37, leg.rrn, fields);
  const original = leg.original ?? null;
  if (original !== null && request.mti[1] === '4') {
    const de = originalDataDe(mapping.issuerVersion);
    out.set(de, originalData(original, mapping.issuerVersion, mapping.issuer.name));
  }
  return out;
}

/** Sets DE `de` to `value` when `out` lacks it, the value is given and the spec defines the field. */
function fillAbsent(out: IsoMessage, de: number, value: string | null, fields: IssuerMapping['issuer']['fields']): void {
  if (value !== null && value !== '' && !out.has(de) && fields[de] !== undefined) out.set(de, value);
}
