// The options of `isotrace serve`, as data: flag, ISOTRACE_* variable, config-file key, default.
// Kinds, value lists, ranges and defaults of library options come from the library's own tables.
// docs/config.md documents the same list.

import { AUDIT_MODES, AUDIT_OPTION_RANGES, DEFAULT_AUDIT_DIR, DEFAULT_AUDIT_WRITER_OPTIONS as A } from '../audit/index.js';
import {
  CLIENT_AUTH_POLICIES, DEFAULT_SERVER_OPTIONS as S, FRAME_HEADERS, FRAMINGS, SERVER_OPTION_RANGES as R, type ServerLimitName,
} from '../transport/index.js';
import { DEFAULT_SAF_DIR } from '../saf/index.js';
import { durationOption, enumOption, intOption, kebab, textOption, type OptionSpec } from './config.js';
import { LOG_LEVELS } from './logger.js';
import { PACKAGE_ROOT } from './package-info.js';

const ROOT = PACKAGE_ROOT;

/** The FrameServer's limits and timeouts as serve options, with the server's own defaults and ranges. */
function serverLimit<N extends ServerLimitName>(name: N, doc: string): OptionSpec<N, number, number> {
  const env = `ISOTRACE_${kebab(name).replace(/-/g, '_').toUpperCase()}`;
  return (name.endsWith('Ms') ? durationOption : intOption)(name, env, R[name], S[name], doc);
}

/** The transport options, in --help and docs order. */
const TRANSPORT_OPTIONS = [
  serverLimit('maxFrameBytes', 'largest frame accepted, in bytes (TPDU and message)'),
  serverLimit('idleTimeoutMs', 'close a connection after this long without a byte (0: never)'),
  serverLimit('frameTimeoutMs', 'close a connection whose started frame is not complete in this time (0: never)'),
  serverLimit('maxKeepAliveOnlyMs', 'close a connection that sends only keep-alives, no message, for this long (0: never)'),
  serverLimit('maxConnections', 'most connections open at once'),
  serverLimit('maxConnectionsPerAddress', 'most connections open at once from one IP address'),
  serverLimit('maxInFlightPerConnection', 'most requests of one connection in the switch before it stops reading that peer'),
  serverLimit('drainTimeoutMs', 'on SIGTERM, how long answers in flight may take before connections are closed'),
  serverLimit('backlog', 'listen queue length'),
  serverLimit('maxFormatErrorsPerConnection', 'unreadable frames (RC 30 or dropped) one connection may send per window before it is closed; 0: no limit'),
  serverLimit('maxFormatErrorsPerAddress', 'unreadable frames one address may send per window before its connection is closed and the address refused; 0: no limit'),
  serverLimit('formatErrorWindowMs', 'the window format errors are counted in'),
  serverLimit('formatErrorBanMs', 'how long an address past maxFormatErrorsPerAddress is refused'),
  serverLimit('tlsHandshakeTimeoutMs', 'with TLS: close a client that has not completed its handshake in this time (it holds no connection slot meanwhile)'),
];

/** The listener's TLS (docs/tls.md): off unless a certificate and key are given. */
const TLS_OPTIONS = [
  textOption('tlsCert', 'ISOTRACE_TLS_CERT', null, "PEM certificate (chain) of the listener: serve TLS 1.2+ instead of plain TCP; with --tls-key; reread on SIGHUP"),
  textOption('tlsKey', 'ISOTRACE_TLS_KEY', null, 'PEM private key of --tls-cert; reread on SIGHUP'),
  textOption('tlsCa', 'ISOTRACE_TLS_CA', null, "PEM CA certificate(s) that sign the clients' certificates (for --tls-client-auth request or require); reread on SIGHUP"),
  enumOption('tlsClientAuth', 'ISOTRACE_TLS_CLIENT_AUTH', CLIENT_AUTH_POLICIES, 'none', "client certificates: none (not asked), request (asked, not required), require (refused without one signed by --tls-ca)"),
];

/** The names of the transport options, each also a FrameServer option. */
export const TRANSPORT_OPTION_NAMES: readonly ServerLimitName[] = Object.freeze(TRANSPORT_OPTIONS.map((o) => o.name));

export const SERVE_OPTIONS = Object.freeze([
  textOption('host', 'ISOTRACE_HOST', S.host, 'address to listen on'),
  intOption('port', 'ISOTRACE_PORT', R.port, S.port, 'TCP port (0 picks a free one)'),
  textOption('spec', 'ISOTRACE_SPEC', 'iso87ascii', 'message spec: a built-in name or a JSON spec file'),
  enumOption('framing', 'ISOTRACE_FRAMING', FRAMINGS, S.framing, 'length header'),
  enumOption('header', 'ISOTRACE_HEADER', FRAME_HEADERS, null, "header after the length: none or tpdu (default: the spec's usual one)"),
  textOption('cards', 'ISOTRACE_CARDS', `${ROOT}fixtures/issuer/cards.json`, "the issuer stub's cards"),
  textOption('routes', 'ISOTRACE_ROUTES', `${ROOT}fixtures/routes.json`, 'the BIN routing table, and the issuers it routes to'),
  textOption('safDir', 'ISOTRACE_SAF_DIR', DEFAULT_SAF_DIR, 'directory of the store-and-forward queue of reversal advices owed to remote issuers'),
  textOption('store', 'ISOTRACE_DATABASE_URL', null, 'PostgreSQL store shared by several switch processes (postgres://user:password@host:5432/db); unset: files and memory (docs/store.md)'),
  textOption('safKeyFile', 'ISOTRACE_SAF_KEY_FILE', null, "with store: the file of the store-and-forward queue's sealing key (32 random bytes, mode 0600), the same on every node"),
  textOption('nodeId', 'ISOTRACE_NODE_ID', null, "this switch's name on the store (its audit chain, its claims); default: the host name"),
  intOption('workers', 'ISOTRACE_WORKERS', [1, 256], 1, 'switch processes on this host sharing the port (node:cluster), each a node of --store, which more than 1 needs (docs/store.md)'),
  enumOption('logLevel', 'ISOTRACE_LOG_LEVEL', LOG_LEVELS, 'info', 'log level'),
  textOption('logFile', 'ISOTRACE_LOG_FILE', null, 'write the log to this file (appended) instead of standard output, reopened on SIGHUP for logrotate'),
  textOption('otlpEndpoint', 'ISOTRACE_OTLP_ENDPOINT', null, 'OTLP collector URL (also OTEL_EXPORTER_OTLP_ENDPOINT; OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf or grpc); unset: no export'),
  intOption('adminPort', 'ISOTRACE_ADMIN_PORT', R.port, null, 'port of the admin HTTP listener (/metrics, /healthz, /readyz; 0 picks a free one); unset: no admin listener'),
  textOption('adminHost', 'ISOTRACE_ADMIN_HOST', '127.0.0.1', 'address the admin HTTP listener binds to'),
  durationOption('issuerTimeoutMs', 'ISOTRACE_ISSUER_TIMEOUT_MS', [1, 600_000], 3000, 'how long an issuer may take before the terminal gets RC 91 (ms, or e.g. 3s; well inside the clients\' 5 s)'),
  durationOption('duplicateWindowMs', 'ISOTRACE_DUPLICATE_WINDOW_MS', [0, 86_400_000], 300_000, 'how long a first answer is kept for repeats (ms, or e.g. 5m)'),
  ...TLS_OPTIONS,
  ...TRANSPORT_OPTIONS,
]);

/** The audit options serve takes (docs/config.md, section Audit). The HMAC key is ISOTRACE_AUDIT_KEY only. */
export const AUDIT_OPTIONS = Object.freeze([
  textOption('auditDir', 'ISOTRACE_AUDIT_DIR', DEFAULT_AUDIT_DIR, 'directory of the audit log'),
  enumOption('auditMode', 'ISOTRACE_AUDIT_MODE', AUDIT_MODES, 'strict', 'strict: answer once the record is on disk; async: do not wait'),
  intOption('auditRetentionDays', 'ISOTRACE_AUDIT_RETENTION_DAYS', AUDIT_OPTION_RANGES.retentionDays, A.retentionDays, 'delete rotated audit files last written more than this many days ago; 0: keep them'),
  intOption('auditRetentionBytes', 'ISOTRACE_AUDIT_RETENTION_BYTES', AUDIT_OPTION_RANGES.retentionBytes, A.retentionBytes, 'delete the oldest rotated audit files while the log is larger than this; 0: no limit'),
]);
