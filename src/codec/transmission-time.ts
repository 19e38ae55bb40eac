// The date and time fields as the editions carry them. Pure.
// DE 7 (every edition): transmission date and time, MMDDhhmmss (n 10) in UTC.
// 1987: DE 12 local time hhmmss (n 6), DE 13 local date MMDD (n 4).
// 1993: DE 12 local date and time YYMMDDhhmmss (n 12).

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** DE 7 of `date`: MMDDhhmmss in UTC. */
export function transmissionTime(date: Date): string {
  return two(date.getUTCMonth() + 1) + two(date.getUTCDate()) + two(date.getUTCHours()) + two(date.getUTCMinutes()) + two(date.getUTCSeconds());
}

/** 1987 DE 12 of `date`: hhmmss, local time. */
export function localTime87(date: Date): string {
  return two(date.getHours()) + two(date.getMinutes()) + two(date.getSeconds());
}

/** 1987 DE 13 of `date`: MMDD, local time. */
export function localDate87(date: Date): string {
  return two(date.getMonth() + 1) + two(date.getDate());
}

/** 1993 DE 12 of `date`: YYMMDDhhmmss, local time. */
export function localDateTime93(date: Date): string {
  return two(date.getFullYear() % 100) + localDate87(date) + localTime87(date);
}
