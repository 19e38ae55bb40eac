// Retrieval reference numbers the switch assigns when a request carries none: the common
// YDDDhhnnnnnn convention (year digit, Julian day, hour, STAN), in UTC.

let hourStartMs = -1;
let prefix = '';

/** "YDDDhh" for the hour holding `ms`, computed once an hour. */
function hourPrefix(ms: number): string {
  const hourMs = ms - (ms % 3_600_000);
  if (hourMs !== hourStartMs) {
    const at = new Date(hourMs);
    const year = at.getUTCFullYear();
    const dayOfYear = Math.floor((Date.UTC(year, at.getUTCMonth(), at.getUTCDate()) - Date.UTC(year, 0, 0)) / 86_400_000);
    prefix = `${year % 10}${String(dayOfYear).padStart(3, '0')}${String(at.getUTCHours()).padStart(2, '0')}`;
    hourStartMs = hourMs;
  }
  return prefix;
}

/** A 12-character RRN for `stan` received at `atUs` (microseconds since the epoch). */
export function retrievalReference(stan: string, atUs: number): string {
  return hourPrefix(Math.floor(atUs / 1000)) + stan.padStart(6, '0').slice(-6);
}
