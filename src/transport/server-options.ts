// FrameServer options: the frozen defaults and their eager validation. Throws only ConfigError,
// naming the option path and the allowed range. docs/config.md documents each option.

import {
  checkInteger, checkKnownKeys, checkLoggerAndClock, checkOneOf, ConfigError, NOOP_LOGGER, stripUndefined, SYSTEM_CLOCK, type Clock, type Logger,
} from '../common/index.js';
import type { ConnectionSettings } from './connection.js';
import { resolveTlsServerOptions, type ResolvedTlsServerOptions, type TlsServerOptions } from './tls.js';
import { FRAMINGS, type Framing } from './framing/length-headers.js';
import { FRAME_HEADERS, type FrameHeader } from './framing/tpdu.js';

/** Largest maxFrameBytes accepted: 1 MiB (the biggest ISO 8583 messages are a few KiB). */
export const MAX_FRAME_BYTES_LIMIT = 1_048_576;
const DAY_MS = 86_400_000;

export interface ServerOptions {
  host?: string;
  port?: number;
  framing?: Framing;
  header?: FrameHeader;
  maxFrameBytes?: number;
  idleTimeoutMs?: number;
  frameTimeoutMs?: number;
  maxKeepAliveOnlyMs?: number;
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  maxInFlightPerConnection?: number;
  drainTimeoutMs?: number;
  backlog?: number;
  maxFormatErrorsPerConnection?: number;
  maxFormatErrorsPerAddress?: number;
  formatErrorWindowMs?: number;
  formatErrorBanMs?: number;
  /** How long a TLS client may take to complete its handshake before it is closed, ms. */
  tlsHandshakeTimeoutMs?: number;
  /** Serve TLS (1.2 or later) with this material and client-certificate policy; null: plain TCP. */
  tls?: TlsServerOptions | null;
  logger?: Logger;
  clock?: Clock;
}

export const DEFAULT_SERVER_OPTIONS = Object.freeze({
  host: '127.0.0.1',
  port: 8583,
  framing: 'ascii4' as Framing,
  header: 'none' as FrameHeader,
  maxFrameBytes: 8192,
  idleTimeoutMs: 300_000,
  frameTimeoutMs: 10_000,
  maxKeepAliveOnlyMs: 600_000,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 1000,
  maxInFlightPerConnection: 1000,
  drainTimeoutMs: 10_000,
  backlog: 1024,
  maxFormatErrorsPerConnection: 10,
  maxFormatErrorsPerAddress: 100,
  formatErrorWindowMs: 60_000,
  formatErrorBanMs: 60_000,
  tlsHandshakeTimeoutMs: 10_000,
  tls: null as TlsServerOptions | null,
  logger: NOOP_LOGGER as Logger,
  clock: SYSTEM_CLOCK as Clock,
});

/**
 * The bounds [min, max] of each numeric option, inclusive: checked here and by the command line's
 * option table, which takes them from here.
 */
export const SERVER_OPTION_RANGES = Object.freeze({
  port: [0, 65535],
  maxFrameBytes: [1, MAX_FRAME_BYTES_LIMIT],
  idleTimeoutMs: [0, DAY_MS],
  frameTimeoutMs: [0, DAY_MS],
  maxKeepAliveOnlyMs: [0, DAY_MS],
  maxConnections: [1, 1_000_000],
  maxConnectionsPerAddress: [1, 1_000_000],
  maxInFlightPerConnection: [1, 1_000_000],
  drainTimeoutMs: [0, DAY_MS],
  backlog: [1, 65535],
  maxFormatErrorsPerConnection: [0, 1_000_000],
  maxFormatErrorsPerAddress: [0, 1_000_000],
  formatErrorWindowMs: [1, DAY_MS],
  formatErrorBanMs: [0, DAY_MS],
  tlsHandshakeTimeoutMs: [1, DAY_MS],
} as const satisfies Readonly<Record<string, readonly [number, number]>>);

/** The numeric options: a connection's limits and timeouts, and the server's. */
export type ServerLimitName = Exclude<keyof typeof SERVER_OPTION_RANGES, 'port'>;
const SERVER_LIMIT_NAMES = Object.keys(SERVER_OPTION_RANGES).filter((n) => n !== 'port') as ServerLimitName[];

/** Old or guessed names that get a hint instead of a bare "unknown option". */
const RENAMED: Readonly<Record<string, string>> = Object.freeze({
  tpdu: 'header', idleTimeout: 'idleTimeoutMs', frameTimeout: 'frameTimeoutMs', maxFrameSize: 'maxFrameBytes',
  maxFrameLength: 'maxFrameBytes', lengthHeader: 'framing', perAddressLimit: 'maxConnectionsPerAddress',
  maxConnectionsPerIp: 'maxConnectionsPerAddress', drainTimeout: 'drainTimeoutMs', log: 'logger',
  keepAliveTimeoutMs: 'maxKeepAliveOnlyMs', maxKeepAliveOnly: 'maxKeepAliveOnlyMs',
});

export type ResolvedServerOptions = Readonly<Required<Omit<ServerOptions, 'tls'>> & { tls: ResolvedTlsServerOptions | null; connection: Readonly<ConnectionSettings> }>;

/**
 * Defaults filled in and every option checked.
 * @throws ConfigError naming the first invalid option, e.g. `server.maxFrameBytes`.
 */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('server', 'expected an options object');
  checkKnownKeys('server', options, DEFAULT_SERVER_OPTIONS, RENAMED);
  const o = { ...DEFAULT_SERVER_OPTIONS, ...stripUndefined(options) };
  if (typeof o.host !== 'string' || o.host === '') throw new ConfigError('server.host', 'expected a host name or IP address');
  checkInteger('server.port', o.port, ...SERVER_OPTION_RANGES.port);
  checkOneOf('server.framing', o.framing, FRAMINGS);
  checkOneOf('server.header', o.header, FRAME_HEADERS);
  for (const name of SERVER_LIMIT_NAMES) {
    const [min, max] = SERVER_OPTION_RANGES[name];
    checkInteger(`server.${name}`, o[name], min, max);
  }
  checkLoggerAndClock('server', o.logger, o.clock);
  const tls = o.tls === null ? null : resolveTlsServerOptions(o.tls, 'server.tls');
  const connection: ConnectionSettings = Object.freeze({
    framing: o.framing, header: o.header, maxFrameBytes: o.maxFrameBytes, idleTimeoutMs: o.idleTimeoutMs,
    frameTimeoutMs: o.frameTimeoutMs, maxKeepAliveOnlyMs: o.maxKeepAliveOnlyMs, maxInFlight: o.maxInFlightPerConnection, isPauseOnBackpressure: true,
  });
  return Object.freeze({ ...o, tls, connection });
}
