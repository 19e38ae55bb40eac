// The network-management messages a link builds itself (sign-on, echo) or answers (an 08xx from
// the peer). Pure: no sockets, no timers.

import { IsoMessage, NETWORK_CODES, responseMti, transmissionTime } from '../codec/index.js';

/** An 0800 with DE 7, DE 11 and DE 70 = `code` (NETWORK_CODES: 001 sign-on, 301 echo). */
export function networkRequest(code: string, stan: string, date: Date): IsoMessage {
  return new IsoMessage('0800').set(7, transmissionTime(date)).set(11, stan).set(NETWORK_CODES.de, code);
}

/**
 * The answer to a network-management request from the peer (an issuer's echo test): the
 * response MTI, DE 7, 11, 41 and 70 echoed, DE 39 = 00. null for any other request.
 */
export function networkResponse(req: IsoMessage): IsoMessage | null {
  if (req.mti.length !== 4 || req.mti[1] !== '8') return null;
  const res = new IsoMessage(responseMti(req.mti));
  for (const de of [7, 11, 41, 70]) {
    const v = req.get(de);
    if (v !== undefined) res.set(de, v);
  }
  return res.set(39, '00');
}
