// Friendly accessors over an IsoMessage for the switch: STAN, terminal, PAN from DE 2 or track 2,
// expiry, amount; and the Luhn check. Values stay in memory only: never log a clear PAN.

import type { IsoMessage } from '../codec/index.js';

const text = (msg: IsoMessage, de: number): string => {
  const v = msg.get(de);
  return typeof v === 'string' ? v : '';
};

/** DE `de` as text; '' when absent or binary. */
export const fieldText = text;
export const stanOf = (msg: IsoMessage): string => text(msg, 11);
export const terminalOf = (msg: IsoMessage): string => text(msg, 41);
export const merchantOf = (msg: IsoMessage): string => text(msg, 42);
export const acquirerOf = (msg: IsoMessage): string => text(msg, 32);
export const rrnOf = (msg: IsoMessage): string => text(msg, 37);
export const transmissionTimeOf = (msg: IsoMessage): string => text(msg, 7);

/** PAN from DE 2, else the digits of track 2 before the separator; null when neither is there. */
export function panOf(msg: IsoMessage): string | null {
  const pan = text(msg, 2);
  if (pan !== '') return pan;
  const track2 = text(msg, 35);
  if (track2 === '') return null;
  const sep = track2.indexOf('=');
  return sep < 0 ? track2 : track2.slice(0, sep);
}

/** Expiry YYMM from DE 14, else the four digits after the track 2 separator; null when absent. */
export function expiryOf(msg: IsoMessage): string | null {
  const de14 = text(msg, 14);
  if (de14.length === 4) return de14;
  const track2 = text(msg, 35);
  const sep = track2.indexOf('=');
  return sep >= 0 && track2.length >= sep + 5 ? track2.slice(sep + 1, sep + 5) : null;
}

/** DE 4 as a number of minor units; NaN when absent or not digits. */
export function amountOf(msg: IsoMessage): number {
  const de4 = text(msg, 4);
  return /^\d{1,15}$/.test(de4) ? Number(de4) : NaN;
}

export { isLuhnValid } from '../codec/index.js';
