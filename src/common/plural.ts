// Counts in words for people: "1 file", "2 files". Text only; not for the transaction path.

/**
 * `count` and `noun`, the noun in the plural unless the count is exactly 1: plural(1, 'tag') is
 * "1 tag", plural(3, 'tag') "3 tags". `shown` replaces the number's text (e.g. "1,024").
 */
export function plural(count: number, noun: string, shown = String(count)): string {
  return `${shown} ${count === 1 ? noun : `${noun}s`}`;
}
