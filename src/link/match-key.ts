// Request/response matching keys: which response answers which request on a link carrying many at
// once. Pure: no sockets, no timers.

import type { IsoMessage } from '../codec/index.js';

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

/**
 * A key of the MTI class and the values of `fields` in order (a remote issuer's `matchKey`, such
 * as [32, 11]): a field absent counts as empty, so network messages without it still match on the
 * rest; null when none is present or the MTI is not 4 characters. `[41, 11]` gives defaultKeyOf.
 */
export function keyOfFields(fields: readonly number[]): KeyOf {
  if (fields.length === 2 && fields[0] === 41 && fields[1] === 11) return defaultKeyOf;
  const list = [...fields];
  return (msg) => {
    if (msg.mti.length !== 4) return null;
    let key = msg.mti[1];
    let isAny = false;
    for (const de of list) {
      const v = msg.get(de);
      key += '|';
      if (v === undefined) continue;
      isAny = true;
      key += typeof v === 'string' ? v : v.toString('hex');
    }
    return isAny ? key : null;
  };
}
