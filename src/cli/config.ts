// Command configuration: each option from its flag, else its ISOTRACE_* variable, else the JSON
// config file (--config), else its default; every value checked at start-up. Throws ConfigError
// naming the option, where the bad value came from and what is allowed.

import { readFileSync } from 'node:fs';
import { ConfigError } from '../common/index.js';
import { DURATION_SYNTAX, durationMs } from './duration.js';
import { jsonSyntaxProblem } from './json-syntax.js';

export type OptionKind =
  /** Non-empty text; with `pattern`, text it matches (`expected` says what that is, for the error). */
  | { type: 'string'; pattern?: RegExp; expected?: string }
  | { type: 'int'; min: number; max: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'number'; min: number; max: number }
  /** Milliseconds: a number, or text in the command line's duration syntax (`5000`, `5s`, `2m`). */
  | { type: 'duration'; min: number; max: number };

/**
 * One option of a command: its name, variable, kind and default. `T` is the type its kind produces
 * (`string`, a union of an enum's values, `number`); `D` its default's type, `null` when it has none.
 */
export interface OptionSpec<N extends string = string, T extends string | number = string | number, D extends T | null = T | null> {
  /** camelCase name, as in the config file. */
  name: N;
  /** ISOTRACE_* environment variable. */
  env: string;
  kind: OptionKind;
  /** Default; null when the option has none (it stays unset). */
  default: D;
  /** One line for docs/config.md and --help. */
  doc: string;
  /** Type only: the value the kind produces (never set). */
  readonly value?: T;
}

/** The value an option resolves to: its kind's type, or null too when it has no default. */
export type OptionValue<O> = O extends OptionSpec<string, infer T, infer D> ? (null extends D ? T | null : T) : never;

/** The resolved values of a table of options, by name, typed from the table. */
export type Resolved<S extends readonly OptionSpec[]> = { readonly [O in S[number] as O['name']]: OptionValue<O> };

/** A non-empty string option. */
export function textOption<N extends string, D extends string | null>(name: N, env: string, dflt: D, doc: string): OptionSpec<N, string, D> {
  return { name, env, kind: { type: 'string' }, default: dflt, doc };
}

/** A non-empty string option matching `pattern`; `expected` names the form in errors ("a DE number or DE:TAG"). */
export function patternOption<N extends string>(name: N, env: string, pattern: RegExp, expected: string, doc: string): OptionSpec<N, string, null> {
  return { name, env, kind: { type: 'string', pattern, expected }, default: null, doc };
}

/** A number option in `range` (fractions allowed). */
export function numberOption<N extends string>(name: N, env: string, range: OptionRange, dflt: number, doc: string): OptionSpec<N, number, number> {
  return { name, env, kind: { type: 'number', min: range[0], max: range[1] }, default: dflt, doc };
}

/** An option with a fixed set of values (`values` is the library's own list, e.g. FRAMINGS). */
export function enumOption<N extends string, V extends string, D extends V | null>(name: N, env: string, values: readonly V[], dflt: D, doc: string): OptionSpec<N, V, D> {
  return { name, env, kind: { type: 'enum', values }, default: dflt, doc };
}

/** An integer option in `range` (the library's own bounds, e.g. SERVER_OPTION_RANGES); a null default leaves it unset. */
export function intOption<N extends string, D extends number | null = number>(name: N, env: string, range: OptionRange, dflt: D, doc: string): OptionSpec<N, number, D> {
  return { name, env, kind: { type: 'int', min: range[0], max: range[1] }, default: dflt, doc };
}

/** A duration option in `range`, ms. */
export function durationOption<N extends string>(name: N, env: string, range: OptionRange, dflt: number, doc: string): OptionSpec<N, number, number> {
  return { name, env, kind: { type: 'duration', min: range[0], max: range[1] }, default: dflt, doc };
}

/** Inclusive bounds [min, max]. */
export type OptionRange = readonly [min: number, max: number];

function parse(spec: OptionSpec, raw: unknown, from: string): string | number {
  const path = `${spec.name} (from ${from})`;
  const k = spec.kind;
  if (k.type === 'string') {
    if (typeof raw !== 'string' || raw === '') throw new ConfigError(path, 'expected a non-empty string');
    if (k.pattern !== undefined && !k.pattern.test(raw)) throw new ConfigError(path, `expected ${k.expected ?? `text matching ${k.pattern}`}, got ${JSON.stringify(raw)}`);
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
export function resolveOptions<S extends readonly OptionSpec[]>(specs: S, flags: Record<string, unknown>, env: NodeJS.ProcessEnv, file: Record<string, unknown> | null, fileName = 'config'): Resolved<S> {
  if (file !== null) {
    const known = new Set(specs.map((s) => s.name));
    for (const key of Object.keys(file)) {
      if (!known.has(key)) throw new ConfigError(`${fileName}: ${key}`, `unknown option (known: ${[...known].join(', ')})`);
    }
  }
  const out: Record<string, string | number | null> = {};
  for (const spec of specs) {
    const flag = flags[spec.name];
    if (flag !== undefined) out[spec.name] = parse(spec, flag, `--${kebab(spec.name)}`);
    else if (env[spec.env] !== undefined && env[spec.env] !== '') out[spec.name] = parse(spec, env[spec.env], spec.env);
    else if (file !== null && file[spec.name] !== undefined) out[spec.name] = parse(spec, file[spec.name], fileName);
    else out[spec.name] = spec.default;
  }
  // Each value was produced by its own option's kind (parse) or is its default: typed as the table says.
  return Object.freeze(out) as Resolved<S>;
}

/** `logLevel` -> `log-level`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
