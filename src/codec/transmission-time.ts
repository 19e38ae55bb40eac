// DE 7 transmission date and time as every edition carries it: MMDDhhmmss (n 10) in UTC. Pure.

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** DE 7 of `date`: MMDDhhmmss in UTC. */
export function transmissionTime(date: Date): string {
  return two(date.getUTCMonth() + 1) + two(date.getUTCDate()) + two(date.getUTCHours()) + two(date.getUTCMinutes()) + two(date.getUTCSeconds());
}
