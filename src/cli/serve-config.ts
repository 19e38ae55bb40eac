// The configuration of `isotrace serve`, resolved and checked once: each option from its flag, else
// its ISOTRACE_* variable, else the --config file, else its default; then ISOTRACE_AUDIT_KEY and the
// OTEL_* variables, checked by their own layers. The result is one frozen ServeConfig. Throws only ConfigError.

import { resolveAuditWriterOptions, type AuditMode } from '../audit/index.js';
import { DEFAULT_OTLP_SINK_OPTIONS, otlpResourceSettings, parseSampleRatio, resolveOtlpSinkOptions } from '../trace/index.js';
import type { Framing, ServerLimitName } from '../transport/index.js';
import { readConfigFile, resolveOptions, type Resolved } from './config.js';
import { packageVersion } from './package-info.js';
import { AUDIT_OPTIONS, SERVE_OPTIONS, TRANSPORT_OPTION_NAMES } from './serve-options.js';

/** The FrameServer options serve sets from its configuration; `header` defaults to the spec's, known once it is loaded. */
export type ServeServerOptions = Readonly<{ host: string; port: number; framing: Framing } & Record<ServerLimitName, number>>;

/** The audit journal's options: the --audit-* options and the HMAC key. */
export interface ServeAuditOptions {
  readonly dir: string;
  readonly mode: AuditMode;
  /** The utf8 bytes of ISOTRACE_AUDIT_KEY; null when it is unset or empty (plain SHA-256 chain). */
  readonly key: Buffer | null;
  readonly retentionDays: number;
  readonly retentionBytes: number;
}

/** The OTLP export's settings, as OtlpSink takes them (the logger is added when the sink is built). */
export interface ServeOtlpOptions {
  readonly endpoint: string;
  /** OTEL_TRACES_SAMPLER_ARG, default 1. */
  readonly sampleRatio: number;
  /** OTEL_SERVICE_NAME, else `service.name` of OTEL_RESOURCE_ATTRIBUTES, else `isotrace`. */
  readonly serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES over `service.version` (the package's version). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

/** Every value `serve` runs with, typed and checked; frozen all the way down (but the key's bytes). */
export interface ServeConfig extends Resolved<typeof SERVE_OPTIONS> {
  readonly server: ServeServerOptions;
  readonly audit: ServeAuditOptions;
  /** Null when no endpoint is set (no export): the OTEL_* variables are then not read. */
  readonly otlp: ServeOtlpOptions | null;
}

/** The environment serve reads: ISOTRACE_* options and the variables below. */
export type ServeEnv = Readonly<Record<string, string | undefined>>;

/**
 * The resolved serve configuration: flags (commander's camelCase values), then ISOTRACE_*, then the
 * --config (or ISOTRACE_CONFIG) file, then defaults; OTEL_EXPORTER_OTLP_ENDPOINT when no isotrace
 * setting names an endpoint.
 * @throws ConfigError naming the first bad option, where it came from and what is allowed.
 */
export function serveConfig(flags: Record<string, unknown>, env: ServeEnv): ServeConfig {
  const file = typeof flags.config === 'string' ? flags.config : env.ISOTRACE_CONFIG;
  const all = resolveOptions([...SERVE_OPTIONS, ...AUDIT_OPTIONS], flags, env, file === undefined ? null : readConfigFile(file), file);
  const { auditDir, auditMode, auditRetentionDays, auditRetentionBytes, ...values } = all;
  const otlpEndpoint = values.otlpEndpoint ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT || null);
  const otlp = otlpEndpoint === null ? null : otlpOptions(otlpEndpoint, env);
  const key = env.ISOTRACE_AUDIT_KEY ? Buffer.from(env.ISOTRACE_AUDIT_KEY, 'utf8') : null;
  const audit: ServeAuditOptions = Object.freeze({ dir: auditDir, mode: auditMode, key, retentionDays: auditRetentionDays, retentionBytes: auditRetentionBytes });
  resolveAuditWriterOptions(audit);
  const limits = Object.fromEntries(TRANSPORT_OPTION_NAMES.map((name) => [name, values[name]])) as Record<ServerLimitName, number>;
  const server: ServeServerOptions = Object.freeze({ ...limits, host: values.host, port: values.port, framing: values.framing });
  return Object.freeze({ ...values, otlpEndpoint, server, audit, otlp });
}

/** @throws ConfigError naming OTEL_TRACES_SAMPLER_ARG, OTEL_RESOURCE_ATTRIBUTES or `otlp.endpoint`. */
function otlpOptions(endpoint: string, env: ServeEnv): ServeOtlpOptions {
  const sampleRatio = parseSampleRatio(env.OTEL_TRACES_SAMPLER_ARG, 1.0);
  const resource = otlpResourceSettings(env, { 'service.version': packageVersion() }, DEFAULT_OTLP_SINK_OPTIONS.serviceName);
  const options = { endpoint, sampleRatio, serviceName: resource.serviceName, resourceAttributes: Object.freeze(resource.resourceAttributes) };
  resolveOtlpSinkOptions(options);
  return Object.freeze(options);
}
