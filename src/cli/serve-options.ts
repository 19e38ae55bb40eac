// The options of `isotrace serve`, as data: flag, ISOTRACE_* variable, config-file key, default.
// docs/config.md documents the same list.

import { AUDIT_MODES } from '../audit/index.js';
import { DEFAULT_SERVER_OPTIONS as S, FRAME_HEADERS, FRAMINGS, MAX_FRAME_BYTES_LIMIT, type ServerOptions } from '../transport/index.js';
import { kebab, type OptionSpec, type Resolved } from './config.js';
import { LOG_LEVELS } from './logger.js';
import { PACKAGE_ROOT } from './package-info.js';

const ROOT = PACKAGE_ROOT;

export const SERVE_OPTIONS: readonly OptionSpec[] = [
  { name: 'host', env: 'ISOTRACE_HOST', kind: { type: 'string' }, default: '127.0.0.1', doc: 'address to listen on' },
  { name: 'port', env: 'ISOTRACE_PORT', kind: { type: 'int', min: 0, max: 65535 }, default: 8583, doc: 'TCP port (0 picks a free one)' },
  { name: 'spec', env: 'ISOTRACE_SPEC', kind: { type: 'string' }, default: 'iso87ascii', doc: 'message spec: a built-in name or a JSON spec file' },
  { name: 'framing', env: 'ISOTRACE_FRAMING', kind: { type: 'enum', values: FRAMINGS }, default: 'ascii4', doc: 'length header' },
  { name: 'header', env: 'ISOTRACE_HEADER', kind: { type: 'enum', values: FRAME_HEADERS }, default: null, doc: "header after the length: none or tpdu (default: the spec's usual one)" },
  { name: 'cards', env: 'ISOTRACE_CARDS', kind: { type: 'string' }, default: `${ROOT}fixtures/issuer/cards.json`, doc: "the issuer stub's cards" },
  { name: 'routes', env: 'ISOTRACE_ROUTES', kind: { type: 'string' }, default: `${ROOT}fixtures/routes.json`, doc: 'the BIN routing table' },
  { name: 'logLevel', env: 'ISOTRACE_LOG_LEVEL', kind: { type: 'enum', values: LOG_LEVELS }, default: 'info', doc: 'log level' },
  { name: 'otlpEndpoint', env: 'ISOTRACE_OTLP_ENDPOINT', kind: { type: 'string' }, default: null, doc: 'OTLP/HTTP collector base URL (also OTEL_EXPORTER_OTLP_ENDPOINT); unset: no export' },
  { name: 'issuerTimeoutMs', env: 'ISOTRACE_ISSUER_TIMEOUT_MS', kind: { type: 'duration', min: 1, max: 600_000 }, default: 3000, doc: 'how long an issuer may take before the terminal gets RC 91 (ms, or e.g. 3s; well inside the clients\' 5 s)' },
  { name: 'duplicateWindowMs', env: 'ISOTRACE_DUPLICATE_WINDOW_MS', kind: { type: 'duration', min: 0, max: 86_400_000 }, default: 300_000, doc: 'how long a first answer is kept for repeats (ms, or e.g. 5m)' },
  ...transportOptions(),
];

/** The FrameServer options from the resolved serve configuration (the transport options above). */
export function transportLimits(cfg: Resolved): ServerOptions {
  const out: Record<string, number> = {};
  for (const name of TRANSPORT_OPTION_NAMES) out[name] = Number(cfg[name]);
  return out;
}

const TRANSPORT_OPTION_NAMES: readonly string[] = transportOptions().map((o) => o.name);

/** The FrameServer's limits and timeouts as serve options, with the server's own defaults and ranges. */
function transportOptions(): OptionSpec[] {
  const DAY_MS = 86_400_000;
  const MILLION = 1_000_000;
  const o = (name: keyof typeof S, min: number, max: number, doc: string): OptionSpec => ({
    name, env: `ISOTRACE_${kebab(name).replace(/-/g, '_').toUpperCase()}`, kind: { type: name.endsWith('Ms') ? 'duration' : 'int', min, max }, default: S[name] as number, doc,
  });
  return [
    o('maxFrameBytes', 1, MAX_FRAME_BYTES_LIMIT, 'largest frame accepted, in bytes (TPDU and message)'),
    o('idleTimeoutMs', 0, DAY_MS, 'close a connection after this long without a byte (0: never)'),
    o('frameTimeoutMs', 0, DAY_MS, 'close a connection whose started frame is not complete in this time (0: never)'),
    o('maxKeepAliveOnlyMs', 0, DAY_MS, 'close a connection that sends only keep-alives, no message, for this long (0: never)'),
    o('maxConnections', 1, MILLION, 'most connections open at once'),
    o('maxConnectionsPerAddress', 1, MILLION, 'most connections open at once from one IP address'),
    o('maxInFlightPerConnection', 1, MILLION, 'most requests of one connection in the switch before it stops reading that peer'),
    o('drainTimeoutMs', 0, DAY_MS, 'on SIGTERM, how long answers in flight may take before connections are closed'),
    o('backlog', 1, 65535, 'listen queue length'),
    o('maxFormatErrorsPerConnection', 0, MILLION, 'unreadable frames (RC 30 or dropped) one connection may send per window before it is closed; 0: no limit'),
    o('maxFormatErrorsPerAddress', 0, MILLION, 'unreadable frames one address may send per window before its connection is closed and the address refused; 0: no limit'),
    o('formatErrorWindowMs', 1, DAY_MS, 'the window format errors are counted in'),
    o('formatErrorBanMs', 0, DAY_MS, 'how long an address past maxFormatErrorsPerAddress is refused'),
  ];
}

/** The audit options serve takes (docs/config.md, section Audit). The HMAC key is ISOTRACE_AUDIT_KEY only. */
export const AUDIT_OPTIONS: readonly OptionSpec[] = [
  { name: 'auditDir', env: 'ISOTRACE_AUDIT_DIR', kind: { type: 'string' }, default: './var/audit', doc: 'directory of the audit log' },
  { name: 'auditMode', env: 'ISOTRACE_AUDIT_MODE', kind: { type: 'enum', values: AUDIT_MODES }, default: 'strict', doc: 'strict: answer once the record is on disk; async: do not wait' },
  { name: 'auditRetentionDays', env: 'ISOTRACE_AUDIT_RETENTION_DAYS', kind: { type: 'int', min: 0, max: 36_500 }, default: 0, doc: 'delete rotated audit files last written more than this many days ago; 0: keep them' },
  { name: 'auditRetentionBytes', env: 'ISOTRACE_AUDIT_RETENTION_BYTES', kind: { type: 'int', min: 0, max: 2 ** 50 }, default: 0, doc: 'delete the oldest rotated audit files while the log is larger than this; 0: no limit' },
];
