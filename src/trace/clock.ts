// Wall-clock microseconds with sub-millisecond resolution, for span and audit timestamps.

import { performance } from 'node:perf_hooks';

const ORIGIN_US = performance.timeOrigin * 1000;

/** Microseconds since the Unix epoch, monotonic within the process. */
export function nowUs(): number {
  return Math.round(ORIGIN_US + performance.now() * 1000);
}
