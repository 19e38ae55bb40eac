// The options of `isotrace issuer`, as data: serve's (but routes) under ISOTRACE_ISSUER_* variables
// with the issuer's own port and audit directory, then the trace field and the fault injection.
// docs/config.md documents the same list. Resolved by the same code as serve's (serve-config.ts).

import { DEFAULT_OTLP_SINK_OPTIONS } from '../trace/index.js';
import { durationOption, intOption, numberOption, patternOption, type OptionSpec } from './config.js';
import { resolveHostConfig, type HostConfigNames, type HostSettings, type ServeEnv } from './serve-config.js';
import { AUDIT_OPTIONS, SERVE_OPTIONS } from './serve-options.js';
import type { Resolved } from './config.js';

/** The issuer's port unless told: the issue's example link, `tcp://127.0.0.1:9100`. */
export const DEFAULT_ISSUER_PORT = 9100;
/** Beside serve's ./var/audit: a switch and its issuer run from one folder keep apart chains (and LOCKs). */
export const DEFAULT_ISSUER_AUDIT_DIR = './var/issuer-audit';

/** serve's `ISOTRACE_X` as `ISOTRACE_ISSUER_X`: a shell that configures a switch does not configure its issuer too. */
function issuerEnv(env: string): string {
  return env.replace(/^ISOTRACE_/, 'ISOTRACE_ISSUER_');
}

/** `option` under the issuer's variable, with `dflt` for its default when given (of the option's own kind). */
function forIssuer<O extends OptionSpec>(option: O, dflt: string | number | null = option.default): O {
  return Object.freeze({ ...option, env: issuerEnv(option.env), default: dflt }) as O;
}

type ServeOption = (typeof SERVE_OPTIONS)[number];
/** The issuer routes every card to its stub: it has no routes file, and no issuers to owe reversals to, and runs as one process. */
const isHostOption = (o: ServeOption): o is Exclude<ServeOption, { name: 'routes' | 'safDir' | 'workers' }> => o.name !== 'routes' && o.name !== 'safDir' && o.name !== 'workers';

/** A DE 2..128, alone or with a 2-character tag: `63`, `48:TP`. */
const TRACE_FIELD_RE = /^(?:[2-9]|[1-9]\d|1[01]\d|12[0-8])(?::[0-9A-Za-z]{2})?$/;

/** The issuer's own options: where the trace arrives, and the faults it injects on its answers. */
const ISSUER_OWN_OPTIONS = [
  patternOption('traceField', 'ISOTRACE_ISSUER_TRACE_FIELD', TRACE_FIELD_RE, 'a DE number 2..128 such as 63, or DE:TAG with a 2-character tag such as 48:TP',
    "where requests carry the caller's W3C traceparent: a whole field (63) or a tagged subelement (48:TP); unset: every transaction starts its own trace"),
  durationOption('delayMs', 'ISOTRACE_ISSUER_DELAY_MS', [0, 600_000], 0, 'fault injection: wait this long before sending each answer (ms, or e.g. 2s)'),
  durationOption('jitterMs', 'ISOTRACE_ISSUER_JITTER_MS', [0, 600_000], 0, 'fault injection: add a random 0..this to each wait (ms)'),
  numberOption('dropRate', 'ISOTRACE_ISSUER_DROP_RATE', [0, 1], 0, 'fault injection: the share of requests (0..1) handled but never answered'),
  intOption('closeAfter', 'ISOTRACE_ISSUER_CLOSE_AFTER', [0, 1_000_000_000], 0, 'fault injection: close each connection after this many answers; 0: never'),
] as const;

export const ISSUER_OPTIONS = Object.freeze([
  ...SERVE_OPTIONS.filter(isHostOption).map((o) => (o.name === 'port' ? forIssuer(o, DEFAULT_ISSUER_PORT) : forIssuer(o))),
  ...ISSUER_OWN_OPTIONS,
]);

/** The audit options under the issuer's variables, its audit directory its own. */
export const ISSUER_AUDIT_OPTIONS = Object.freeze(AUDIT_OPTIONS.map((o) => (o.name === 'auditDir' ? forIssuer(o, DEFAULT_ISSUER_AUDIT_DIR) : forIssuer(o))));

/** ISOTRACE_ISSUER_CONFIG, ISOTRACE_ISSUER_AUDIT_KEY, and service `isotrace-issuer` in its log lines and OTLP. */
const ISSUER_NAMES: HostConfigNames = Object.freeze({
  configEnv: 'ISOTRACE_ISSUER_CONFIG', auditKeyEnv: 'ISOTRACE_ISSUER_AUDIT_KEY', serviceName: `${DEFAULT_OTLP_SINK_OPTIONS.serviceName}-issuer`,
});

/** Every value `issuer` runs with, typed and checked; frozen all the way down (but the key's bytes). */
export interface IssuerConfig extends Resolved<typeof ISSUER_OPTIONS>, HostSettings {}

/**
 * The resolved issuer configuration: flags, ISOTRACE_ISSUER_* variables, the --config (or
 * ISOTRACE_ISSUER_CONFIG) file, defaults; the OTEL_* variables as for serve.
 * @throws ConfigError naming the first bad option, where it came from and what is allowed.
 */
export function issuerConfig(flags: Record<string, unknown>, env: ServeEnv): IssuerConfig {
  return resolveHostConfig(ISSUER_OPTIONS, ISSUER_AUDIT_OPTIONS, flags, env, ISSUER_NAMES);
}
