// The data elements an answer echoes from its request with the same values (primer §5), for every
// answer built from a request: the switch's own and one mapped back from an issuer. Data only.

/**
 * Echoed when present: PAN (if sent), processing code, amount, DE 7, STAN, local time and date,
 * DE 24, acquirer and forwarder, RRN, terminal, merchant, currency. Never the track data, PIN block,
 * ICC data or expiry (primer §5, "never echo").
 */
export const RESPONSE_ECHO_FIELDS: readonly number[] = Object.freeze([2, 3, 4, 7, 11, 12, 13, 24, 32, 33, 37, 41, 42, 49]);
