// ConfigError and the small option checks every layer's constructor uses to validate eagerly.
// Messages name the option path and the allowed range; they never echo secrets or message data.

import { SwitchError } from './errors.js';

/** An option that is unknown, missing, of the wrong type or outside its range. */
export class ConfigError extends SwitchError {
  /** The option's path, e.g. `server.maxFrameBytes`. */
  readonly path: string;

  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', `${path}: ${detail}`, options);
    this.path = path;
  }
}

function shown(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return `a value of type ${typeof value}`;
}

/**
 * Throws ConfigError unless `value` is an integer in [min, max].
 * @returns the value, typed.
 */
export function checkInteger(path: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(path, `expected an integer in ${min}..${max}, got ${shown(value)}`);
  }
  return value;
}

/** Throws ConfigError unless `value` is a finite number in [min, max]. */
export function checkNumber(path: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(path, `expected a number in ${min}..${max}, got ${shown(value)}`);
  }
  return value;
}

/** Throws ConfigError unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(path, `expected one of ${allowed.join(', ')}, got ${shown(value)}`);
  }
  return value as T;
}

/** Throws ConfigError unless `value` is a boolean. */
export function checkBoolean(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(path, `expected true or false, got ${shown(value)}`);
  return value;
}

/**
 * Throws ConfigError for any key of `given` that `defaults` lacks; a key listed in `renamed`
 * gets a hint naming its new name.
 */
export function checkKnownKeys(path: string, given: object, defaults: object, renamed: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(defaults, key)) continue;
    const hint = Object.hasOwn(renamed, key) ? `; it is now called ${renamed[key]}` : `; known options: ${Object.keys(defaults).join(', ')}`;
    throw new ConfigError(`${path}.${key}`, `unknown option${hint}`);
  }
}
