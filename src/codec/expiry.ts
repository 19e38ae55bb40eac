// Card expiry dates as DE 14 and track 2 carry them: YYMM. Pure.

/** YYMM of the UTC month holding `ms` (ms since the epoch). */
export function yymmUtc(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCFullYear() % 100).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
