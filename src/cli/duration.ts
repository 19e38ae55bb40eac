// Durations on the command line and in serve's configuration: one syntax for every option that
// takes one. A plain number is milliseconds; otherwise a number with a unit: ms, s, m, h or d.

import { UsageError } from './io.js';

const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 });
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/;

/** How a duration is written, for help texts and error messages. */
export const DURATION_SYNTAX = '500 (ms), 500ms, 2s, 1.5s, 2m or 1h';

/**
 * Whole milliseconds from `500`, `500ms`, `2s`, `1.5s`, `2m`, `1h` or `1d` (a plain number is
 * milliseconds); NaN when `text` is not a duration.
 */
export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  return m === null ? NaN : Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']);
}

/**
 * The duration of option `flag` (such as `--timeout`) in whole milliseconds.
 * @throws UsageError (CLI_BAD_VALUE) naming `flag` when `text` is not a duration in minMs..maxMs.
 */
export function parseDurationFlag(flag: string, text: string, minMs: number, maxMs: number): number {
  const ms = durationMs(text);
  if (!Number.isFinite(ms)) throw new UsageError(`${flag} expects a duration such as ${DURATION_SYNTAX} (got "${text}")`);
  if (ms < minMs || ms > maxMs) throw new UsageError(`${flag} expects a duration from ${minMs} to ${maxMs} ms (got "${text}")`);
  return ms;
}
