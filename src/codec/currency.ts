// ISO 4217 minor units, for DE 4 / DE 49: how many digits of an amount follow the decimal point.
// One table for the issuer stub, the terminal simulator and the tools. Pure.

/** Exponents that differ from 2, by numeric code (JPY, KRW, CLP, ISK, VND; BHD, KWD, JOD, OMR, TND). */
const EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  '392': 0, '410': 0, '152': 0, '352': 0, '704': 0, '048': 3, '414': 3, '400': 3, '512': 3, '788': 3,
});

/** Digits after the decimal point of `currency` (ISO 4217 numeric); 2 unless listed. */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}
