// The network-management messages a link builds itself (sign-on, echo, sign-off) or answers (an
// 08xx/18xx from the peer), in either edition: 1987 0800 with DE 70 (001, 002, 301), answered 00;
// 1993 1804 with DE 24 function code (801, 802, 831), answered with action code 800. Pure: no
// sockets, no timers.

import { IsoMessage, NETWORK_CODES, NETWORK_CODES_93, responseMti, transmissionTime, type NetworkCodes, type SpecVersion } from '../codec/index.js';

/** What a link asks of its peer. */
export type NetworkAction = 'signOn' | 'signOff' | 'echo';

interface Edition {
  mti: string;
  codes: NetworkCodes;
  /** DE 39 of an accepted network-management request. */
  accepted: string;
}

const EDITIONS: Readonly<Record<SpecVersion, Edition>> = Object.freeze({
  1987: { mti: '0800', codes: NETWORK_CODES, accepted: '00' },
  1993: { mti: '1804', codes: NETWORK_CODES_93, accepted: '800' },
});

/** A network-management request for `action` with DE 7 and DE 11, in the `version` edition. */
export function networkRequest(action: NetworkAction, stan: string, date: Date, version: SpecVersion = 1987): IsoMessage {
  const e = EDITIONS[version];
  return new IsoMessage(e.mti).set(7, transmissionTime(date)).set(11, stan).set(e.codes.de, e.codes[action]);
}

/** Whether `res` accepts a network-management request of the `version` edition (DE 39 00, or 800). */
export function isNetworkAccepted(res: IsoMessage, version: SpecVersion = 1987): boolean {
  return res.get(39) === EDITIONS[version].accepted;
}

/**
 * The answer to a network-management request from the peer (an issuer's echo test): the
 * response MTI, DE 7, 11, 24, 41 and 70 echoed, DE 39 accepted (00, or 800 for an 18xx). null
 * for any other request.
 */
export function networkResponse(req: IsoMessage): IsoMessage | null {
  if (req.mti.length !== 4 || req.mti[1] !== '8') return null;
  const res = new IsoMessage(responseMti(req.mti));
  for (const de of [7, 11, 24, 41, 70]) {
    const v = req.get(de);
    if (v !== undefined) res.set(de, v);
  }
  return res.set(39, req.mti[0] === '1' ? EDITIONS[1993].accepted : EDITIONS[1987].accepted);
}
