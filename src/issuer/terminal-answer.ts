// The issuer's answer as the terminal gets it: the terminal's own answer MTI, DE 11, DE 7 and every
// field its request has echoed back (the list the switch's own answers echo), with the issuer's
// DE 38, DE 39 in the terminal's edition and the response fields the issuer added. Pure.

import { IsoMessage, RESPONSE_ECHO_FIELDS, responseMti } from '../codec/index.js';
import { answerCodeIn, originalDataDe } from './edition-map.js';
import type { IssuerMapping } from './issuer-mapping.js';
import { MappingError } from './mapping-error.js';

/** What an answer adds to its request (primer §5): approval code, response data, balances, issuer ICC data. */
const ADDED_FIELDS: readonly number[] = Object.freeze([38, 44, 54, 55]);

/**
 * HOT: the answer to `terminalRequest` (decoded with `mapping.terminal`) built from
 * `issuerAnswer` (decoded with `mapping.issuer`): the request's echoed fields (and its DE 90, or
 * 56, on a reversal), DE 37 from the issuer when the request had none, the issuer's DE 38, 44, 54
 * and 55 where the terminal's spec defines them, and DE 39 in the terminal's edition. Never the
 * link's trace field or anything else the issuer sent. The frame header is the request's (its TPDU).
 * @throws MappingError ISSUER_FIELD_UNMAPPABLE when the issuer's answer has no DE 39, or a value
 *   it added does not fit the terminal's field.
 */
export function toTerminalAnswer(issuerAnswer: IsoMessage, terminalRequest: IsoMessage, mapping: IssuerMapping): IsoMessage {
  const out = new IsoMessage(responseMti(terminalRequest.mti));
  out.header = terminalRequest.header;
  for (const de of RESPONSE_ECHO_FIELDS) {
    const v = terminalRequest.get(de);
    if (v !== undefined) out.set(de, v);
  }
  const mtiClass = terminalRequest.mti[1];
  const originalDe = originalDataDe(mapping.terminalVersion);
  if (mtiClass === '4' && terminalRequest.has(originalDe)) out.set(originalDe, terminalRequest.get(originalDe)!);
  if (!out.has(37)) carry(issuerAnswer, out, 37, mapping);
  for (const de of ADDED_FIELDS) carry(issuerAnswer, out, de, mapping);
  const code = issuerAnswer.get(39);
  if (typeof code !== 'string' || code === '') {
    throw new MappingError('ISSUER_FIELD_UNMAPPABLE', 39, mapping.terminal.name, "the issuer's answer has no response code");
  }
  return out.set(39, answerCodeIn(code, mapping.issuerVersion, mapping.terminalVersion, mtiClass));
}

function carry(from: IsoMessage, to: IsoMessage, de: number, mapping: IssuerMapping): void {
  const v = from.get(de);
  if (v === undefined) return;
  const mapped = mapping.toTerminal(de, v);
  if (mapped !== undefined) to.set(de, mapped);
}
