// Dialect: what differs between ISO 8583:1987 and 1993 for the switch, chosen once from the spec's
// `version` at start-up, so that no stage branches on the edition per message.

import {
  NETWORK_CODES, NETWORK_CODES_93, networkCodeMeanings, specVersion, type IsoMessage, type MessageSpec, type SpecVersion,
} from '../codec/index.js';
import { ACTION_CODE_MEANINGS, ACTION_CODES, actionCodeOf } from './action-codes.js';
import type { OriginalRef } from './originals.js';
import { RC, RC_MEANINGS, type ResponseCodes } from './result-codes.js';

export interface Dialect {
  readonly version: SpecVersion;
  /** The MTI's first digit the switch handles: '0' (1987) or '1' (1993). */
  readonly mtiVersion: string;
  /** Originator digits (MTI position 4) accepted on network management: 0/1, and 4/5 (1804) in 1993. */
  readonly networkOrigins: string;
  /** DE 39 values the switch sets itself. */
  readonly codes: ResponseCodes;
  /** Meanings of this edition's DE 39 values. */
  readonly meanings: Readonly<Record<string, string>>;
  /** An issuer's answer (a 1987 response code, as IssuerDecision carries it) in this edition's DE 39. */
  readonly fromIssuer: (issuerCode: string) => string;
  /** Where network management carries its code: DE 70 (1987) or DE 24, the function code (1993). */
  readonly networkCodeDe: number;
  /** The network-management codes handled, and what each is. */
  readonly networkCodes: Readonly<Record<string, string>>;
  /** Where a reversal names its original: DE 90 (1987) or DE 56 (1993). */
  readonly originalDe: number;
  /** The time that, with DE 11, identifies an original: DE 7 (1987) or DE 12, local date and time (1993). */
  readonly originalTimeDe: number;
  /** The original a reversal's DE 90 or DE 56 names; null when absent or too short to name one. */
  readonly originalRefOf: (request: IsoMessage) => OriginalRef | null;
}

/** DE 90 (n 42): original MTI, STAN, DE 7, acquirer (11), forwarder (11); the first 31 digits name it. */
function de90Ref(request: IsoMessage): OriginalRef | null {
  const de90 = request.get(90);
  return typeof de90 === 'string' && de90.length >= 31 ? { de90 } : null;
}

/** DE 56 (n ..35): original MTI (4), STAN (6), local date and time (12), acquirer ID as LL + digits. */
function de56Ref(request: IsoMessage): OriginalRef | null {
  const de56 = request.get(56);
  if (typeof de56 !== 'string' || de56.length < 24) return null;
  const idLength = Number(de56.slice(22, 24));
  const acquirer = de56.slice(24, 24 + idLength);
  if (idLength > 11 || acquirer.length !== idLength) return null;
  return { mti: de56.slice(0, 4), stan: de56.slice(4, 10), transmission: de56.slice(10, 22), acquirer: acquirer.padStart(11, '0') };
}

const identity = (code: string): string => code;

export const DIALECT_1987: Dialect = Object.freeze({
  version: 1987,
  mtiVersion: '0',
  networkOrigins: '01',
  codes: RC,
  meanings: RC_MEANINGS,
  fromIssuer: identity,
  networkCodeDe: NETWORK_CODES.de,
  networkCodes: networkCodeMeanings(NETWORK_CODES),
  originalDe: 90,
  originalTimeDe: 7,
  originalRefOf: de90Ref,
});

export const DIALECT_1993: Dialect = Object.freeze({
  version: 1993,
  mtiVersion: '1',
  networkOrigins: '0145',
  codes: ACTION_CODES,
  meanings: ACTION_CODE_MEANINGS,
  fromIssuer: actionCodeOf,
  networkCodeDe: NETWORK_CODES_93.de,
  networkCodes: networkCodeMeanings(NETWORK_CODES_93),
  originalDe: 56,
  originalTimeDe: 12,
  originalRefOf: de56Ref,
});

/** The dialect of `spec`'s edition (its `version`, 1987 when unset). */
export function dialectOf(spec: MessageSpec): Dialect {
  return specVersion(spec) === 1993 ? DIALECT_1993 : DIALECT_1987;
}
