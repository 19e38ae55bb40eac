// The options of `isotrace serve`, as data: flag, ISOTRACE_* variable, config-file key, default.
// docs/config.md documents the same list.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUDIT_MODES } from '../audit/index.js';
import { FRAME_HEADERS, FRAMINGS } from '../transport/index.js';
import type { OptionSpec } from './config.js';
import { LOG_LEVELS } from './logger.js';

/**
 * The package root (the nearest folder up holding package.json), so that the embedded defaults
 * work from any working directory, whether this runs built (dist/src/cli) or from the sources.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return `${dir}/`;
}

const ROOT = packageRoot();

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
];

/** The audit options serve takes (docs/config.md, section Audit). The HMAC key is ISOTRACE_AUDIT_KEY only. */
export const AUDIT_OPTIONS: readonly OptionSpec[] = [
  { name: 'auditDir', env: 'ISOTRACE_AUDIT_DIR', kind: { type: 'string' }, default: './var/audit', doc: 'directory of the audit log' },
  { name: 'auditMode', env: 'ISOTRACE_AUDIT_MODE', kind: { type: 'enum', values: AUDIT_MODES }, default: 'strict', doc: 'strict: answer once the record is on disk; async: do not wait' },
];
