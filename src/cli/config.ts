// Command configuration: each option from its flag, else its ISOTRACE_* variable, else the JSON
// config file (--config), else its default; every value checked at start-up. Throws ConfigError
// naming the option, where the bad value came from and what is allowed.

import { readFileSync } from 'node:fs';
import { ConfigError } from '../shared/index.js';
import { DURATION_SYNTAX, durationMs } from './duration.js';
import { jsonSyntaxProblem } from './json-syntax.js';

export type OptionKind =
  | { type: 'string' }
  | { type: 'int'; min: number; max: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'number'; min: number; max: number }
  /** Milliseconds: a number, or text in the command line's duration syntax (`5000`, `5s`, `2m`). */
  | { type: 'duration'; min: number; max: number };

export interface OptionSpec {
  /** camelCase name, as in the config file. */
  name: string;
  /** ISOTRACE_* environment variable. */
  env: string;
  kind: OptionKind;
  /** Default; null when the option has none (it stays unset). */
  default: string | number | null;
  /** One line for docs/config.md and --help. */
  doc: string;
}

export type Resolved = Record<string, string | number | null>;

function parse(spec: OptionSpec, raw: unknown, from: string): string | number {
  const path = `${spec.name} (from ${from})`;
  const k = spec.kind;
  if (k.type === 'string') {
    if (typeof raw !== 'string' || raw === '') throw new ConfigError(path, 'expected a non-empty string');
    return raw;
  }
  if (k.type === 'enum') {
    if (typeof raw !== 'string' || !k.values.includes(raw)) throw new ConfigError(path, `expected one of ${k.values.join(', ')}, got ${JSON.stringify(raw)}`);
    return raw;
  }
  if (k.type === 'duration') {
    const ms = typeof raw === 'string' ? durationMs(raw) : typeof raw === 'number' && Number.isInteger(raw) ? raw : NaN;
    if (!(ms >= k.min && ms <= k.max)) throw new ConfigError(path, `expected a duration in ${k.min}..${k.max} ms such as ${DURATION_SYNTAX}, got ${JSON.stringify(raw)}`);
    return ms;
  }
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  const isInt = k.type === 'int';
  if (typeof n !== 'number' || !Number.isFinite(n) || (isInt && !Number.isInteger(n)) || n < k.min || n > k.max) {
    throw new ConfigError(path, `expected ${isInt ? 'an integer' : 'a number'} in ${k.min}..${k.max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * The parsed contents of the JSON file at `path`; a file that cannot be read or parsed is a
 * ConfigError naming `what` (config, routes, cards), the path and the reason.
 */
export function readJsonFile(path: string, what: string, expected = 'a JSON file'): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${what} ${path}`, `cannot read ${expected} (${(err as NodeJS.ErrnoException).code ?? jsonSyntaxProblem(err)})`);
  }
}

/** Reads a JSON config file; throws ConfigError naming it. */
export function readConfigFile(path: string): Record<string, unknown> {
  const json = readJsonFile(path, 'config', 'a JSON object');
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ConfigError(`config ${path}`, 'expected a JSON object');
  return json as Record<string, unknown>;
}

/**
 * Resolves `specs` from flags (commander's camelCase values), environment and an optional file.
 * @throws ConfigError for an unknown key in the file or any value out of its range.
 */
export function resolveOptions(specs: readonly OptionSpec[], flags: Record<string, unknown>, env: NodeJS.ProcessEnv, file: Record<string, unknown> | null, fileName = 'config'): Resolved {
  if (file !== null) {
    const known = new Set(specs.map((s) => s.name));
    for (const key of Object.keys(file)) {
      if (!known.has(key)) throw new ConfigError(`${fileName}: ${key}`, `unknown option (known: ${[...known].join(', ')})`);
    }
  }
  const out: Resolved = {};
  for (const spec of specs) {
    const flag = flags[spec.name];
    if (flag !== undefined) out[spec.name] = parse(spec, flag, `--${kebab(spec.name)}`);
    else if (env[spec.env] !== undefined && env[spec.env] !== '') out[spec.name] = parse(spec, env[spec.env], spec.env);
    else if (file !== null && file[spec.name] !== undefined) out[spec.name] = parse(spec, file[spec.name], fileName);
    else out[spec.name] = spec.default;
  }
  return Object.freeze(out);
}

/** `logLevel` -> `log-level`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
