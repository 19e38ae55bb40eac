// Request/response matching keys and the network-management messages the client builds itself
// (sign-on, echo) or answers (an 08xx from the peer). Pure: no sockets, no timers.

import { IsoMessage, responseMti } from '../codec/index.js';

/** Builds a message's match key; the request's and its response's keys must be equal. null = no key. */
export type KeyOf = (msg: IsoMessage) => string | null;

/** Fields the default key reads, for reporting which ones a message lacked. */
export const DEFAULT_KEY_FIELDS: readonly number[] = Object.freeze([41, 11]);

/**
 * HOT: the default key, MTI class + DE 41 + DE 11 (0100 and 0110 share class '1'). DE 41 is taken
 * when present, so network messages without a terminal still match on their STAN; null without
 * DE 11 or a 4-character MTI. A concatenation of fixed-width fields, no JSON.
 */
export function defaultKeyOf(msg: IsoMessage): string | null {
  const stan = msg.get(11);
  if (typeof stan !== 'string' || msg.mti.length !== 4) return null;
  const tid = msg.get(41);
  return msg.mti[1] + (typeof tid === 'string' ? tid : '') + '|' + stan;
}

/** The `fields` (DE numbers) absent from `msg`. */
export function missingFields(msg: IsoMessage, fields: readonly number[]): number[] {
  const out: number[] = [];
  for (const de of fields) if (!msg.has(de)) out.push(de);
  return out;
}

/** DE 70 network management codes the client uses. */
export const NETWORK_CODES = Object.freeze({ signOn: '001', signOff: '002', echo: '301' });

/** DE 7 transmission date and time, MMDDhhmmss in UTC. */
export function transmissionTime(date: Date): string {
  const p = (n: number): string => (n < 10 ? '0' : '') + n;
  return p(date.getUTCMonth() + 1) + p(date.getUTCDate()) + p(date.getUTCHours()) + p(date.getUTCMinutes()) + p(date.getUTCSeconds());
}

/** An 0800 with DE 7, DE 11 and DE 70 = `code` (001 sign-on, 301 echo). */
export function networkRequest(code: string, stan: string, date: Date): IsoMessage {
  return new IsoMessage('0800').set(7, transmissionTime(date)).set(11, stan).set(70, code);
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

/** Six-digit STANs for the client's own messages: 000001..999999, then 000001 again (primer §7). */
export class StanCounter {
  #next: number;

  constructor(first = 1) {
    this.#next = first;
  }

  next(): string {
    const n = this.#next;
    this.#next = n >= 999_999 ? 1 : n + 1;
    return String(n).padStart(6, '0');
  }
}
