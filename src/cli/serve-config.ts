// The configuration of `isotrace serve` (and of `isotrace issuer`, a host of the same making),
// resolved and checked once: each option from its flag, else its ISOTRACE_* variable, else the
// --config file, else its default; then the audit key and the OTEL_* variables, checked by their
// own layers. The result is one frozen config. Throws only ConfigError.

import { resolveAuditWriterOptions, type AuditMode } from '../audit/index.js';
import { DEFAULT_OTLP_SINK_OPTIONS, otlpProtocolOf, otlpResourceSettings, parseSampleRatio, resolveOtlpSinkOptions, type OtlpProtocol } from '../trace/index.js';
import type { Framing, ServerLimitName } from '../transport/index.js';
import { ConfigError } from '../common/index.js';
import { checkNodeId, checkStoreUrl } from '../store/index.js';
import { readConfigFile, resolveOptions, type OptionSpec, type Resolved } from './config.js';
import { packageVersion } from './package-info.js';
import { AUDIT_OPTIONS, SERVE_OPTIONS, TRANSPORT_OPTION_NAMES } from './serve-options.js';
import { serveTlsFiles, type ServeTlsFiles, type TlsOptionValues } from './tls-files.js';
import { checkWorkers } from './worker-identity.js';

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
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL: `http/protobuf` (default) or `grpc`. */
  readonly protocol: OtlpProtocol;
  /** OTEL_TRACES_SAMPLER_ARG, default 1. */
  readonly sampleRatio: number;
  /** OTEL_SERVICE_NAME, else `service.name` of OTEL_RESOURCE_ATTRIBUTES, else `isotrace`. */
  readonly serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES over `service.version` (the package's version). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

/** What a host's configuration holds besides its options' values: grouped for the server, audit and OTLP. */
export interface HostSettings {
  readonly server: ServeServerOptions;
  readonly audit: ServeAuditOptions;
  /** Null when no endpoint is set (no export): the OTEL_* variables are then not read. */
  readonly otlp: ServeOtlpOptions | null;
  /** The listener's TLS files (read at start-up and on SIGHUP); null: plain TCP. */
  readonly tls: ServeTlsFiles | null;
  /** The `service` of the host's log lines: `isotrace`, `isotrace-issuer` for the issuer host. */
  readonly service: string;
}

/** Every value `serve` runs with, typed and checked; frozen all the way down (but the key's bytes). */
export interface ServeConfig extends Resolved<typeof SERVE_OPTIONS>, HostSettings {}

/** The environment serve reads: ISOTRACE_* options and the variables below. */
export type ServeEnv = Readonly<Record<string, string | undefined>>;

/** The names by which hosts (serve, issuer) differ in what they read besides their options. */
export interface HostConfigNames {
  /** The variable naming the config file when --config is not given. */
  readonly configEnv: string;
  /** The variable holding the audit log's HMAC key. */
  readonly auditKeyEnv: string;
  /** The `service` of its log lines, and its OTLP `service.name` when no OTEL_* variable names one. */
  readonly serviceName: string;
}

/** serve's: ISOTRACE_CONFIG, ISOTRACE_AUDIT_KEY, service `isotrace`. */
const SERVE_NAMES: HostConfigNames = Object.freeze({ configEnv: 'ISOTRACE_CONFIG', auditKeyEnv: 'ISOTRACE_AUDIT_KEY', serviceName: DEFAULT_OTLP_SINK_OPTIONS.serviceName });

/** An audit option as a host's table carries it (its variable and default may be the host's own). */
type AuditOptionSpec = (typeof AUDIT_OPTIONS)[number];

/**
 * A host's resolved configuration: `options` and `audits` from flags (commander's camelCase
 * values), then their variables, then the --config (or `names.configEnv`) file, then defaults;
 * OTEL_EXPORTER_OTLP_ENDPOINT when no isotrace setting names an endpoint. `options` must hold
 * serve's host, port, framing, otlpEndpoint, TLS and transport options.
 * @throws ConfigError naming the first bad option, where it came from and what is allowed.
 */
export function resolveHostConfig<S extends readonly OptionSpec[]>(options: S, audits: readonly AuditOptionSpec[], flags: Record<string, unknown>, env: ServeEnv, names: HostConfigNames): Resolved<S> & HostSettings {
  const file = typeof flags.config === 'string' ? flags.config : env[names.configEnv];
  const all = resolveOptions([...options, ...audits], flags, env, file === undefined ? null : readConfigFile(file), file) as Record<string, string | number | null>;
  const { auditDir, auditMode, auditRetentionDays, auditRetentionBytes, ...values } = all;
  const otlpEndpoint = (values.otlpEndpoint as string | null) ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT || null);
  const otlp = otlpEndpoint === null ? null : otlpOptions(otlpEndpoint, env, names.serviceName);
  const keyText = env[names.auditKeyEnv];
  const key = keyText ? Buffer.from(keyText, 'utf8') : null;
  const audit = Object.freeze({ dir: auditDir, mode: auditMode, key, retentionDays: auditRetentionDays, retentionBytes: auditRetentionBytes }) as ServeAuditOptions;
  resolveAuditWriterOptions(audit);
  if (values.adminPort !== null && values.adminPort !== 0 && values.adminPort === values.port) {
    throw new ConfigError('adminPort', `expected a port other than port (${values.port}): the admin listener never shares the terminals' socket`);
  }
  const limits = Object.fromEntries(TRANSPORT_OPTION_NAMES.map((name) => [name, values[name]])) as Record<ServerLimitName, number>;
  const server = Object.freeze({ ...limits, host: values.host, port: values.port, framing: values.framing }) as ServeServerOptions;
  const tls = serveTlsFiles(values as unknown as TlsOptionValues);
  if (typeof values.store === 'string') checkStoreUrl(values.store);
  if (typeof values.nodeId === 'string') checkNodeId(values.nodeId);
  // Each value was produced by its own option's kind, as resolveOptions types it.
  return Object.freeze({ ...values, otlpEndpoint, server, audit, otlp, tls, service: names.serviceName }) as unknown as Resolved<S> & HostSettings;
}

/**
 * The resolved serve configuration (see resolveHostConfig): its options, the audit options,
 * ISOTRACE_CONFIG, ISOTRACE_AUDIT_KEY and the OTEL_* variables; `workers` above 1 only with `store`.
 * @throws ConfigError naming the first bad option, where it came from and what is allowed.
 */
export function serveConfig(flags: Record<string, unknown>, env: ServeEnv): ServeConfig {
  const cfg = resolveHostConfig(SERVE_OPTIONS, AUDIT_OPTIONS, flags, env, SERVE_NAMES);
  checkWorkers(cfg);
  return cfg;
}

/** @throws ConfigError naming OTEL_TRACES_SAMPLER_ARG, OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL or `otlp.endpoint`. */
function otlpOptions(endpoint: string, env: ServeEnv, serviceName: string): ServeOtlpOptions {
  const protocol = otlpProtocolOf(env);
  const sampleRatio = parseSampleRatio(env.OTEL_TRACES_SAMPLER_ARG, 1.0);
  const resource = otlpResourceSettings(env, { 'service.version': packageVersion() }, serviceName);
  const options = { endpoint, protocol, sampleRatio, serviceName: resource.serviceName, resourceAttributes: Object.freeze(resource.resourceAttributes) };
  resolveOtlpSinkOptions(options);
  return Object.freeze(options);
}
