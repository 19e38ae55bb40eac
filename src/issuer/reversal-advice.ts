// The reversal advice (0420, 1420 on a 1993 link) the switch owes an issuer: built from the
// original as the link sent it, with the link's new STAN and DE 7, the original's data elements and
// the reason. It is stored in the store-and-forward queue, so it never holds track data, a PIN
// block, the expiry or ICC data. Pure.

import { IsoMessage, transmissionTime, type SpecVersion } from '../codec/index.js';
import { originalDataDe } from './edition-map.js';
import type { IssuerMapping } from './issuer-mapping.js';
import { originalData } from './original-data.js';

/** Why the switch reverses, as each edition codes it: 1987 DE 39 (primer §6), 1993 DE 25 message reason code. */
export const REVERSAL_REASONS = Object.freeze({
  /** No answer within the issuer timeout: 68 response received too late / 4021 timeout waiting for response. */
  timeout: Object.freeze({ 1987: '68', 1993: '4021' }),
  /** An approval that arrived after the terminal was answered 91: 68 / 4006 response received too late. */
  'late-answer': Object.freeze({ 1987: '68', 1993: '4006' }),
  /** The terminal reversed it (a terminal's 0400/0420 for an approved original): 17 / 4000 customer cancellation. */
  cancellation: Object.freeze({ 1987: '17', 1993: '4000' }),
  /** Anything else the switch could not complete: 22 / 4002 suspected malfunction. */
  malfunction: Object.freeze({ 1987: '22', 1993: '4002' }),
});
export type ReversalReason = keyof typeof REVERSAL_REASONS;

/**
 * Never in an advice: track data (35, 36, 45), expiry (14), PIN block (52, 53), ICC data (55), MACs
 * (64, 128), the original's DE 7, 11 and 39 (replaced), and its own original data.
 */
const LEFT_OUT: readonly number[] = [1, 7, 11, 14, 35, 36, 39, 45, 52, 53, 55, 56, 64, 65, 90, 128];

/** The advice's link-specific values. */
export interface AdviceLeg {
  /** DE 11: the link's next STAN. */
  readonly stan: string;
  /** When it is sent: DE 7. A repeat (0421) is built again with its own. */
  readonly now: Date;
}

/**
 * The reversal advice for `originalSent` (the request as the issuer link sent it, under
 * `mapping.issuer`), with `originalAnswer`'s DE 38 when it was approved (null: no answer came):
 * MTI 0420 (1420), the original's fields but those above, DE 2 from track 2 when the original
 * carried only the track, DE 90 (1993: DE 56) naming the original, and the reason in DE 39 (1993:
 * DE 25). The trace field the original carried stays: the advice continues its transaction's trace.
 * @throws MappingError ISSUER_ORIGINAL_INCOMPLETE when `originalSent` lacks its MTI, DE 11 or DE 7 (12).
 */
export function reversalAdvice(
  originalSent: IsoMessage, originalAnswer: IsoMessage | null, reason: ReversalReason, mapping: IssuerMapping, leg: AdviceLeg,
): IsoMessage {
  const version: SpecVersion = mapping.issuerVersion;
  const out = new IsoMessage(version === 1993 ? '1420' : '0420');
  const left = LEFT_OUT;
  for (const de of originalSent.fields()) if (!left.includes(de)) out.set(de, originalSent.get(de)!);
  if (!out.has(2)) {
    const track2 = originalSent.get(35);
    if (typeof track2 === 'string') out.set(2, track2.split(/[=D]/)[0]);
  }
  const approval = originalAnswer?.get(38);
  if (approval !== undefined && mapping.issuer.fields[38] !== undefined) out.set(38, approval);
  out.set(7, transmissionTime(leg.now)).set(11, leg.stan);
  out.set(originalDataDe(version), originalData(originalSent, version, mapping.issuer.name));
  return out.set(version === 1993 ? 25 : 39, REVERSAL_REASONS[reason][version]);
}
