// OtlpSink options: the frozen defaults and their eager validation, and the collector URL.
// Throws only ConfigError, naming the option path and the allowed range.

import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { checkInteger, checkKnownKeys, checkNumber, checkOneOf, ConfigError, NOOP_LOGGER, type Logger } from '../common/index.js';

const DAY_MS = 86_400_000;

/** The OTLP transports isotrace speaks, by the names OTEL_EXPORTER_OTLP_PROTOCOL uses. */
export const OTLP_PROTOCOLS = Object.freeze(['http/protobuf', 'grpc'] as const);
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export interface OtlpSinkOptions {
  /**
   * The collector's URL: for `http/protobuf` its base URL, e.g. `http://127.0.0.1:4318` (spans go
   * to `<endpoint>/v1/traces`); for `grpc` its address, e.g. `http://127.0.0.1:4317` (https: TLS).
   */
  endpoint: string;
  /** How spans travel: OTLP over HTTP with protobuf bodies (default), or OTLP over gRPC. */
  protocol?: OtlpProtocol;
  /** Share of traces exported, 0..1, decided from the trace id (see RatioSampler). */
  sampleRatio: number;
  /** The resource's `service.name`. */
  serviceName?: string;
  /**
   * More resource attributes (`service.version`, `deployment.environment`, …), over the defaults
   * (`telemetry.sdk.*`, a `service.instance.id` per sink); `service.name` is `serviceName` always.
   */
  resourceAttributes?: Readonly<Record<string, string>>;
  /** Sampled traces held at most while waiting for export; more are dropped and counted. */
  maxQueue?: number;
  /** Traces per export request. Also bounds the event-loop stall of one flush (about 30 µs a trace). */
  batchSize?: number;
  /** How often a partial batch is sent, ms. */
  flushIntervalMs?: number;
  /** How long one export request may take, retries included, before it counts as failed, ms. */
  exportTimeoutMs?: number;
  /** How long shutdown() may wait for the last exports, ms; what is not sent by then is dropped. */
  shutdownTimeoutMs?: number;
  logger?: Logger;
  /** Where converted spans go instead of an OTLPTraceExporter to `endpoint` (tests, benchmarks). */
  exporter?: SpanExporter | null;
}

/** Defaults of the optional options; `endpoint` and `sampleRatio` have none. */
export const DEFAULT_OTLP_SINK_OPTIONS = Object.freeze({
  protocol: 'http/protobuf' as OtlpProtocol,
  serviceName: 'isotrace',
  resourceAttributes: Object.freeze({}) as Readonly<Record<string, string>>,
  maxQueue: 2048,
  // 64 traces are about 2 ms of conversion and protobuf encoding at 30 µs each: a short enough
  // stall for the switch's event loop, and 64 traces per round trip keeps up with any sampled rate.
  batchSize: 64,
  flushIntervalMs: 1000,
  exportTimeoutMs: 10_000,
  // A collector that is down must not hold a stopping switch for the exporter's 10 s and retries.
  shutdownTimeoutMs: 2000,
  logger: NOOP_LOGGER as Logger,
  exporter: null as SpanExporter | null,
});

const KNOWN_OPTIONS = Object.freeze({ endpoint: '', sampleRatio: 0, ...DEFAULT_OTLP_SINK_OPTIONS });

// The OpenTelemetry SDK's and environment's names for the same settings get a hint.
const RENAMED: Readonly<Record<string, string>> = Object.freeze({
  url: 'endpoint', otlpEndpoint: 'endpoint', ratio: 'sampleRatio', samplerArg: 'sampleRatio', sampleRate: 'sampleRatio',
  maxQueueSize: 'maxQueue', queueSize: 'maxQueue', maxExportBatchSize: 'batchSize',
  scheduledDelayMillis: 'flushIntervalMs', flushInterval: 'flushIntervalMs', exportTimeoutMillis: 'exportTimeoutMs',
  timeoutMillis: 'exportTimeoutMs', service: 'serviceName', log: 'logger', resource: 'resourceAttributes',
  attributes: 'resourceAttributes', shutdownTimeout: 'shutdownTimeoutMs', transport: 'protocol',
});

/**
 * Defaults filled in and every option checked.
 * @throws ConfigError naming the first invalid option (`otlp.endpoint`, `otlp.sampleRatio`, `otlp.batchSize`, …).
 */
export function resolveOtlpSinkOptions(options: OtlpSinkOptions): Readonly<Required<OtlpSinkOptions>> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('otlp', 'expected an options object');
  checkKnownKeys('otlp', options, KNOWN_OPTIONS, RENAMED);
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULT_OTLP_SINK_OPTIONS, ...given } as Required<OtlpSinkOptions>;
  const exporter = o.exporter as unknown;
  if (exporter !== null && (typeof exporter !== 'object' || typeof (exporter as SpanExporter).export !== 'function')) {
    throw new ConfigError('otlp.exporter', 'expected a SpanExporter (export, shutdown) or null');
  }
  if (exporter === null) checkEndpoint(o.endpoint);
  checkOneOf('otlp.protocol', o.protocol, OTLP_PROTOCOLS);
  checkNumber('otlp.sampleRatio', o.sampleRatio, 0, 1);
  if (typeof o.serviceName !== 'string' || o.serviceName === '' || o.serviceName.length > 255) {
    throw new ConfigError('otlp.serviceName', 'expected a name of 1..255 characters');
  }
  checkInteger('otlp.maxQueue', o.maxQueue, 1, 1_000_000);
  checkInteger('otlp.batchSize', o.batchSize, 1, o.maxQueue);
  checkInteger('otlp.flushIntervalMs', o.flushIntervalMs, 1, DAY_MS);
  checkInteger('otlp.exportTimeoutMs', o.exportTimeoutMs, 1, DAY_MS);
  checkInteger('otlp.shutdownTimeoutMs', o.shutdownTimeoutMs, 1, DAY_MS);
  const attrs = o.resourceAttributes as unknown;
  if (typeof attrs !== 'object' || attrs === null || Object.values(attrs).some((v) => typeof v !== 'string')) {
    throw new ConfigError('otlp.resourceAttributes', 'expected an object of string values');
  }
  const logger = o.logger as unknown as Partial<Logger> | null;
  if (typeof logger?.warn !== 'function') throw new ConfigError('otlp.logger', 'expected a Logger (from src/common)');
  return Object.freeze(o);
}

function checkEndpoint(endpoint: unknown): void {
  if (typeof endpoint !== 'string' || endpoint === '') {
    throw new ConfigError('otlp.endpoint', 'required: the collector base URL, e.g. http://127.0.0.1:4318');
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (err) {
    throw new ConfigError('otlp.endpoint', 'expected an http:// or https:// URL, e.g. http://127.0.0.1:4318', { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('otlp.endpoint', `expected an http:// or https:// URL, got the scheme ${url.protocol}`);
  }
}

/** `<endpoint>/v1/traces`, unless the endpoint already names that path (a signal-specific endpoint). */
export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

/**
 * The protocol from OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else
 * `http/protobuf`, as the OpenTelemetry SDKs read them.
 * @throws ConfigError naming the variable when its value is not one of OTLP_PROTOCOLS.
 */
export function otlpProtocolOf(env: { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: string; OTEL_EXPORTER_OTLP_PROTOCOL?: string }): OtlpProtocol {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'] as const) {
    const value = env[name]?.trim();
    if (value === undefined || value === '') continue;
    if ((OTLP_PROTOCOLS as readonly string[]).includes(value)) return value as OtlpProtocol;
    throw new ConfigError(name, `expected one of ${OTLP_PROTOCOLS.join(', ')}, got "${value.slice(0, 40)}"`);
  }
  return DEFAULT_OTLP_SINK_OPTIONS.protocol;
}
