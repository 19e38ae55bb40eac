// Retrieval reference numbers the switch assigns when a request carries none: the common
// YDDDhhnnnnnn convention (year digit, Julian day, hour, STAN), in UTC.

/** A 12-character RRN for `stan` received at `atUs` (microseconds since the epoch). */
export function retrievalReference(stan: string, atUs: number): string {
  const at = new Date(Math.floor(atUs / 1000));
  const year = at.getUTCFullYear();
  const dayOfYear = Math.floor((Date.UTC(year, at.getUTCMonth(), at.getUTCDate()) - Date.UTC(year, 0, 0)) / 86_400_000);
  const hour = String(at.getUTCHours()).padStart(2, '0');
  return `${year % 10}${String(dayOfYear).padStart(3, '0')}${hour}${stan.padStart(6, '0').slice(-6)}`;
}
