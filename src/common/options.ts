// Helpers every layer's option resolver uses: defaults for options given as undefined, and the
// check of the logger and clock a component is handed.

import { ConfigError } from './config-error.js';

/** Options given as `undefined` mean "the default", as if left out. */
export function stripUndefined<T extends object>(options: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** @throws ConfigError unless `logger` and `clock` have the methods isotrace calls. */
export function checkLoggerAndClock(path: string, logger: unknown, clock: unknown): void {
  const l = logger as Record<string, unknown>;
  for (const m of ['trace', 'debug', 'info', 'warn', 'error', 'child', 'isLevelEnabled']) {
    if (typeof l?.[m] !== 'function') throw new ConfigError(`${path}.logger`, `expected a pino-compatible logger (missing ${m})`);
  }
  const c = clock as Record<string, unknown>;
  for (const m of ['now', 'setTimeout', 'setInterval']) {
    if (typeof c?.[m] !== 'function') throw new ConfigError(`${path}.clock`, `expected a Clock (missing ${m})`);
  }
}
