// MTI helpers: its meaning in words, and the response MTI of a request. Pure.

const VERSION: Record<string, string> = { '0': '1987', '1': '1993', '2': '2003', '8': 'national', '9': 'private' };
const CLASS: Record<string, string> = {
  '1': 'authorization', '2': 'financial', '3': 'file action', '4': 'reversal', '5': 'reconciliation',
  '6': 'administrative', '7': 'fee collection', '8': 'network management',
};
const FUNCTION: Record<string, string> = {
  '0': 'request', '1': 'request response', '2': 'advice', '3': 'advice response', '4': 'notification',
  '5': 'notification acknowledgement', '6': 'instruction', '7': 'instruction acknowledgement',
};
const ORIGIN: Record<string, string> = {
  '0': 'acquirer', '1': 'acquirer repeat', '2': 'issuer', '3': 'issuer repeat', '4': 'other', '5': 'other repeat',
};

/** "authorization request (1987, acquirer)" for '0100'; '' parts are left out for unknown digits. */
export function describeMti(mti: string): string {
  const what = [CLASS[mti[1]], FUNCTION[mti[2]]].filter(Boolean).join(' ');
  const how = [VERSION[mti[0]], ORIGIN[mti[3]]].filter(Boolean).join(', ');
  if (how === '') return what;
  return what === '' ? `(${how})` : `${what} (${how})`;
}

/** True when the MTI's function digit marks a response or acknowledgement (odd: 1, 3, 5, 7). */
export function isResponseMti(mti: string): boolean {
  return (mti.charCodeAt(2) & 1) === 1;
}

/** Response MTI of a request: function digit + 1 and the repeat digit cleared (0101 -> 0110). */
export function responseMti(mti: string): string {
  const fn = mti.charCodeAt(2) - 0x30;
  const origin = mti.charCodeAt(3) - 0x30;
  return mti.slice(0, 2) + String(fn + 1) + String(origin & ~1);
}
