// Network management codes of each edition, the one definition the switch, the link and the
// simulators share: 1987 carries them in DE 70, 1993 as DE 24 function codes of an 1804. Pure data.

/** What a network management request asks for, by code, in one edition. */
export interface NetworkCodes {
  /** The DE that carries the code: 70 (1987) or 24 (1993). */
  readonly de: number;
  readonly signOn: string;
  readonly signOff: string;
  readonly echo: string;
}

/** 1987: 0800 with DE 70 (n 3). */
export const NETWORK_CODES: NetworkCodes = Object.freeze({ de: 70, signOn: '001', signOff: '002', echo: '301' });

/** 1993: 1804 with DE 24 function code (n 3). */
export const NETWORK_CODES_93: NetworkCodes = Object.freeze({ de: 24, signOn: '801', signOff: '802', echo: '831' });

/** Code -> what it asks ('sign-on', 'sign-off', 'echo test'), for answers, logs and audit. */
export function networkCodeMeanings(codes: NetworkCodes): Readonly<Record<string, string>> {
  return Object.freeze({ [codes.signOn]: 'sign-on', [codes.signOff]: 'sign-off', [codes.echo]: 'echo test' });
}
