// The Luhn (mod 10) check digit test for card numbers. Pure.

/** True for a 12..19 digit PAN whose last digit is its Luhn check digit. */
export function isLuhnValid(pan: string): boolean {
  if (pan.length < 12 || pan.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < pan.length; i++) {
    let d = pan.charCodeAt(pan.length - 1 - i) - 0x30;
    if (d < 0 || d > 9) return false;
    if ((i & 1) === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
