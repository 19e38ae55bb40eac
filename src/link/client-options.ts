// IsoClient options and public types: the frozen defaults and their eager validation. Throws only ConfigError,
// naming the option path and the allowed range. docs/config.md documents each option.

import type { Codec, IsoMessage } from '../codec/index.js';
import {
  checkBoolean, checkInteger, checkKnownKeys, checkLoggerAndClock, checkNumber, checkOneOf, ConfigError, NOOP_LOGGER, stripUndefined, SYSTEM_CLOCK,
  type Clock, type Logger,
} from '../common/index.js';
import {
  FRAME_HEADERS, FRAMINGS, MAX_FRAME_BYTES_LIMIT, clientTls, parseTpdu,
  type ClientTls, type CloseReason, type ConnectionSettings, type FrameHeader, type Framing, type TlsClientOptions,
} from '../transport/index.js';
import { DEFAULT_KEY_FIELDS, defaultKeyOf, type KeyOf } from './match-key.js';
import { networkResponse } from './network.js';

const DAY_MS = 86_400_000;

export type LinkState = 'idle' | 'connecting' | 'signing-on' | 'up' | 'waiting' | 'closed';

export interface ClientStats {
  sent: number;
  matched: number;
  timedOut: number;
  unmatched: number;
  undecodable: number;
  linkUps: number;
  linkDowns: number;
}

export interface ClientEvents {
  up: [];
  down: [reason: CloseReason];
  /** A response arrived for a request that had timed out already (also logged as link.unmatched). */
  late: [response: IsoMessage, lateByMs: number];
}

export interface ReconnectOptions {
  /** First delay after a failed or dropped link, ms. */
  initialMs?: number;
  /** Largest delay, ms. */
  maxMs?: number;
  /** 0..1: each delay shortened at random by up to this fraction. */
  jitter?: number;
  /** Consecutive failed attempts before giving up (connect() rejects); 0 = never give up. */
  maxAttempts?: number;
}

/** One address a link may connect to. */
export interface Endpoint {
  host: string;
  port: number;
}

export interface ClientOptions {
  /** The codec that packs requests and unpacks responses (required). */
  codec: Codec;
  /** The peer's port (required unless `endpoints` is given). */
  port?: number;
  host?: string;
  /**
   * The peer's addresses, in order of preference (instead of host and port): a connect that fails
   * or a link that drops moves on to the next one (failover), back to the first after the last.
   */
  endpoints?: readonly Endpoint[];
  /** Name bound to every log line of the link, e.g. `issuer-a`. */
  name?: string;
  framing?: Framing;
  header?: FrameHeader;
  /** TPDU (10 hex digits) sent with the `tpdu` header when a message carries none itself. */
  tpdu?: string | null;
  maxFrameBytes?: number;
  frameTimeoutMs?: number;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * How late a request may fail with REQUEST_TIMEOUT at most, ms: timeouts are checked this often
   * (and no less often than a quarter of the shortest timeout, up to once a second). Default 1000.
   */
  timeoutPrecisionMs?: number;
  maxInFlight?: number;
  keyOf?: KeyOf;
  /** DE numbers keyOf reads, named in logs when a response lacks them. */
  keyFields?: readonly number[];
  reconnect?: ReconnectOptions;
  hasSignOn?: boolean;
  echoIntervalMs?: number;
  /** Speak TLS 1.2+ on the link: the CA to trust, a client certificate and key, the server's name; null: plain TCP. */
  tls?: TlsClientOptions | null;
  /** Answers a request the peer sends on the link (not a response); null = no answer. */
  onRequest?: (msg: IsoMessage) => IsoMessage | null;
  logger?: Logger;
  clock?: Clock;
  /** Random source in [0, 1) for backoff jitter. */
  random?: () => number;
}

export const DEFAULT_RECONNECT = Object.freeze({ initialMs: 100, maxMs: 30_000, jitter: 0.2, maxAttempts: 0 });

export const DEFAULT_CLIENT_OPTIONS = Object.freeze({
  codec: null as unknown as Codec,
  port: 0,
  host: '127.0.0.1',
  endpoints: [] as readonly Endpoint[],
  name: 'link',
  framing: 'ascii4' as Framing,
  header: 'none' as FrameHeader,
  tpdu: null as string | null,
  maxFrameBytes: 8192,
  frameTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  timeoutPrecisionMs: 1000,
  maxInFlight: 1000,
  keyOf: defaultKeyOf as KeyOf,
  keyFields: DEFAULT_KEY_FIELDS,
  reconnect: DEFAULT_RECONNECT as ReconnectOptions,
  hasSignOn: false,
  echoIntervalMs: 0,
  tls: null as TlsClientOptions | null,
  onRequest: networkResponse as (msg: IsoMessage) => IsoMessage | null,
  logger: NOOP_LOGGER as Logger,
  clock: SYSTEM_CLOCK as Clock,
  random: Math.random as () => number,
});

const RENAMED: Readonly<Record<string, string>> = Object.freeze({
  timeout: 'requestTimeoutMs', timeoutMs: 'requestTimeoutMs', requestTimeout: 'requestTimeoutMs', signOn: 'hasSignOn',
  echoInterval: 'echoIntervalMs', key: 'keyOf', matchKey: 'keyOf', lengthHeader: 'framing', log: 'logger',
});

export type ResolvedClientOptions = Readonly<
  Required<Omit<ClientOptions, 'reconnect' | 'tpdu' | 'endpoints' | 'tls'>> & {
    /** The TLS side checked into one context shared by the link's connections; null: plain TCP. */
    tls: ClientTls | null;
    /** Never empty: `endpoints` as given, or the one of `host` and `port`. */
    endpoints: readonly Endpoint[];
    reconnect: Readonly<Required<ReconnectOptions>>;
    /** The default TPDU as a 40-bit integer; -1 when none. */
    tpdu: number;
    connection: Readonly<ConnectionSettings>;
  }
>;

/** `endpoints` checked, or the one endpoint of `host` and `port`. */
function resolveEndpoints(o: { host: unknown; port: unknown; endpoints: unknown }): readonly Endpoint[] {
  const given = o.endpoints;
  if (!Array.isArray(given)) throw new ConfigError('client.endpoints', 'expected a list of { host, port }');
  const list = given.length === 0 ? [{ host: o.host, port: o.port }] : given;
  const prefix = given.length === 0 ? 'client' : null;
  return Object.freeze(list.map((e: unknown, i) => {
    const { host, port } = (e ?? {}) as Partial<Endpoint>;
    const at = prefix ?? `client.endpoints[${i}]`;
    if (typeof host !== 'string' || host === '') throw new ConfigError(`${at}.host`, 'expected a host name or IP address');
    checkInteger(`${at}.port`, port, 1, 65535);
    return Object.freeze({ host, port: port as number });
  }));
}

/**
 * Defaults filled in and every option checked.
 * @throws ConfigError naming the first invalid option, e.g. `client.requestTimeoutMs`.
 */
export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('client', 'expected an options object');
  checkKnownKeys('client', options, DEFAULT_CLIENT_OPTIONS, RENAMED);
  const o = { ...DEFAULT_CLIENT_OPTIONS, ...stripUndefined(options) };
  const codec = o.codec as unknown as Record<string, unknown> | null;
  if (typeof codec?.pack !== 'function' || typeof codec?.unpack !== 'function') throw new ConfigError('client.codec', 'expected a Codec (from src/codec)');
  if (typeof o.name !== 'string' || o.name === '') throw new ConfigError('client.name', 'expected a non-empty name');
  const endpoints = resolveEndpoints(o);
  checkOneOf('client.framing', o.framing, FRAMINGS);
  checkOneOf('client.header', o.header, FRAME_HEADERS);
  const tpdu = o.tpdu === null ? -1 : parseTpdu('client.tpdu', o.tpdu);
  if (o.header === 'tpdu' && tpdu < 0) throw new ConfigError('client.tpdu', 'required with header tpdu: the TPDU to send, as 10 hex digits');
  checkInteger('client.maxFrameBytes', o.maxFrameBytes, 1, MAX_FRAME_BYTES_LIMIT);
  checkInteger('client.frameTimeoutMs', o.frameTimeoutMs, 0, DAY_MS);
  checkInteger('client.connectTimeoutMs', o.connectTimeoutMs, 1, DAY_MS);
  checkInteger('client.requestTimeoutMs', o.requestTimeoutMs, 1, DAY_MS);
  checkInteger('client.timeoutPrecisionMs', o.timeoutPrecisionMs, 10, 1000);
  checkInteger('client.maxInFlight', o.maxInFlight, 1, 1_000_000);
  if (typeof o.keyOf !== 'function') throw new ConfigError('client.keyOf', 'expected a function (msg) => string | null');
  if (!Array.isArray(o.keyFields) || !o.keyFields.every((de) => Number.isInteger(de) && de >= 1 && de <= 192)) {
    throw new ConfigError('client.keyFields', 'expected an array of DE numbers in 1..192');
  }
  if (typeof o.reconnect !== 'object' || o.reconnect === null) throw new ConfigError('client.reconnect', 'expected { initialMs, maxMs, jitter, maxAttempts }');
  checkKnownKeys('client.reconnect', o.reconnect, DEFAULT_RECONNECT);
  const reconnect = Object.freeze({ ...DEFAULT_RECONNECT, ...stripUndefined(o.reconnect) });
  checkInteger('client.reconnect.initialMs', reconnect.initialMs, 1, DAY_MS);
  checkInteger('client.reconnect.maxMs', reconnect.maxMs, reconnect.initialMs, DAY_MS);
  checkNumber('client.reconnect.jitter', reconnect.jitter, 0, 1);
  checkInteger('client.reconnect.maxAttempts', reconnect.maxAttempts, 0, 1_000_000);
  checkBoolean('client.hasSignOn', o.hasSignOn);
  checkInteger('client.echoIntervalMs', o.echoIntervalMs, 0, DAY_MS);
  if (typeof o.onRequest !== 'function') throw new ConfigError('client.onRequest', 'expected a function (msg) => IsoMessage | null');
  if (typeof o.random !== 'function') throw new ConfigError('client.random', 'expected a function returning [0, 1)');
  checkLoggerAndClock('client', o.logger, o.clock);
  const tls = o.tls === null ? null : clientTls(o.tls, 'client.tls');
  const connection: ConnectionSettings = Object.freeze({
    framing: o.framing, header: o.header, maxFrameBytes: o.maxFrameBytes, idleTimeoutMs: 0,
    frameTimeoutMs: o.frameTimeoutMs, maxKeepAliveOnlyMs: 0, maxInFlight: Infinity, isPauseOnBackpressure: false,
  });
  return Object.freeze({ ...o, host: endpoints[0].host, port: endpoints[0].port, endpoints, tpdu, reconnect, tls, connection });
}
