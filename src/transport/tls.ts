// TLS for the transport: the server's certificate material and client-certificate policy, the
// client side's trust and identity, each checked once into a SecureContext (TLS 1.2 minimum).
// Takes PEM bytes, reads no file (the CLI does). Throws only ConfigError, naming the option.

import { checkServerIdentity, connect as tlsConnect, createSecureContext, type SecureContext, type SecureVersion } from 'node:tls';
import { createConnection, type Socket } from 'node:net';
import { ConfigError, checkKnownKeys, checkOneOf } from '../common/index.js';

/** The oldest protocol either side speaks: TLS 1.0 and 1.1 are refused. */
export const TLS_MIN_VERSION: SecureVersion = 'TLSv1.2';

/** What the server asks of a client's certificate: nothing, one if it has it, or one signed by the CA. */
export const CLIENT_AUTH_POLICIES = ['none', 'request', 'require'] as const;
export type ClientAuthPolicy = (typeof CLIENT_AUTH_POLICIES)[number];

/** A server's certificate material, PEM bytes: what a reload replaces. */
export interface TlsMaterial {
  /** The server's certificate chain (leaf first). */
  cert: Buffer;
  key: Buffer;
  /** The CAs client certificates are checked against; null: none (clientAuth must be `none`). */
  ca?: Buffer | null;
}

/** The server side: its material and what it asks of clients. */
export interface TlsServerOptions extends TlsMaterial {
  /** Default `none`. `require` refuses a client without a certificate signed by `ca`. */
  clientAuth?: ClientAuthPolicy;
}

export type ResolvedTlsServerOptions = Readonly<Required<TlsServerOptions>>;

/** The client side, PEM bytes. Without `ca`, the peer is checked against Node's root CAs. */
export interface TlsClientOptions {
  ca?: Buffer | null;
  /** The client's certificate for mutual TLS, with its key; both or neither. */
  cert?: Buffer | null;
  key?: Buffer | null;
  /** The name the server's certificate must carry (and SNI); null: the host dialled. */
  serverName?: string | null;
}

/** A client side checked once: one SecureContext shared by every connection. */
export interface ClientTls {
  readonly context: SecureContext;
  readonly serverName: string | null;
}

const DEFAULT_TLS_SERVER = Object.freeze({ cert: null, key: null, ca: null, clientAuth: 'none' });
const DEFAULT_TLS_CLIENT = Object.freeze({ ca: null, cert: null, key: null, serverName: null });

function pem(path: string, v: unknown, isRequired: boolean, isCa = false): Buffer | null {
  if (v === null || v === undefined) {
    if (isRequired) throw new ConfigError(path, 'missing: expected PEM bytes (a Buffer)');
    return null;
  }
  if (!Buffer.isBuffer(v) || v.length === 0) throw new ConfigError(path, 'expected PEM bytes (a non-empty Buffer)');
  if (!v.includes('-----BEGIN ')) throw new ConfigError(path, 'not usable: no PEM block (-----BEGIN ...)');
  // OpenSSL skips what is not a certificate in a CA list without a word: such a file would trust nothing.
  if (isCa && !v.includes('CERTIFICATE-----')) throw new ConfigError(path, 'not usable: no PEM certificate (-----BEGIN CERTIFICATE-----)');
  return v;
}

/**
 * A SecureContext of `material`; OpenSSL's reason (never the bytes) when it is not usable: not PEM,
 * a key that does not match the certificate.
 * @throws ConfigError naming `path`.
 */
function contextOf(path: string, material: { cert: Buffer | null; key: Buffer | null; ca: Buffer | null }): SecureContext {
  try {
    return createSecureContext({ minVersion: TLS_MIN_VERSION, cert: material.cert ?? undefined, key: material.key ?? undefined, ca: material.ca ?? undefined });
  } catch (err) {
    throw new ConfigError(path, `not usable: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The server's options checked (the material parsed once, to fail at start-up).
 * @throws ConfigError naming `path.cert`, `path.key`, `path.ca` or `path.clientAuth`.
 */
export function resolveTlsServerOptions(options: TlsServerOptions, path = 'tls'): ResolvedTlsServerOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError(path, 'expected { cert, key, ca, clientAuth }');
  checkKnownKeys(path, options, DEFAULT_TLS_SERVER);
  const clientAuth = checkOneOf(`${path}.clientAuth`, options.clientAuth ?? 'none', CLIENT_AUTH_POLICIES);
  const material = checkTlsMaterial(options, path);
  if (clientAuth !== 'none' && material.ca === null) throw new ConfigError(`${path}.ca`, `required with clientAuth ${clientAuth}: the CA that signs client certificates`);
  return Object.freeze({ ...material, clientAuth });
}

/**
 * `material` checked: cert and key present, each PEM, the key the certificate's.
 * @throws ConfigError naming `path.cert`, `path.key` or `path.ca`.
 */
export function checkTlsMaterial(material: TlsMaterial, path = 'tls'): Readonly<{ cert: Buffer; key: Buffer; ca: Buffer | null }> {
  const cert = pem(`${path}.cert`, material.cert, true)!;
  const key = pem(`${path}.key`, material.key, true)!;
  const ca = pem(`${path}.ca`, material.ca, false, true);
  contextOf(`${path}.ca`, { cert: null, key: null, ca });
  contextOf(`${path}.cert`, { cert, key: null, ca: null });
  contextOf(`${path}.key`, { cert, key, ca: null });
  return Object.freeze({ cert, key, ca });
}

/**
 * The client side checked into one SecureContext.
 * @throws ConfigError naming `path.ca`, `path.cert`, `path.key` or `path.serverName`.
 */
export function clientTls(options: TlsClientOptions, path = 'tls'): ClientTls {
  if (typeof options !== 'object' || options === null) throw new ConfigError(path, 'expected { ca, cert, key, serverName }');
  checkKnownKeys(path, options, DEFAULT_TLS_CLIENT);
  const ca = pem(`${path}.ca`, options.ca, false, true);
  const cert = pem(`${path}.cert`, options.cert, false);
  const key = pem(`${path}.key`, options.key, false);
  if ((cert === null) !== (key === null)) throw new ConfigError(`${path}.${cert === null ? 'cert' : 'key'}`, 'a client certificate needs both cert and key');
  const serverName = options.serverName ?? null;
  if (serverName !== null && (typeof serverName !== 'string' || serverName === '')) throw new ConfigError(`${path}.serverName`, 'expected a host name');
  contextOf(`${path}.ca`, { cert: null, key: null, ca });
  if (cert !== null) contextOf(`${path}.cert`, { cert, key: null, ca: null });
  return Object.freeze({ context: contextOf(`${path}.key`, { cert, key, ca }), serverName });
}

/** Where a client connects, and with what TLS (null: plain TCP). */
export interface SocketTarget {
  host: string;
  port: number;
  tls?: ClientTls | null;
}

/**
 * Opens a TCP connection, Nagle off, over TLS when `target.tls` is set: then `onConnected` waits for
 * the handshake, the server's certificate checked against the CA and the name (serverName, else
 * the host). Errors (refused, a certificate not trusted) are the socket's `error` event.
 */
export function connectSocket(target: SocketTarget, onConnected: () => void): Socket {
  const tls = target.tls ?? null;
  if (tls === null) {
    const socket = createConnection({ host: target.host, port: target.port, noDelay: true });
    socket.once('connect', onConnected);
    return socket;
  }
  const name = tls.serverName ?? target.host;
  // Node sends no SNI for an IP address; the identity check still runs against `name`.
  const socket = tlsConnect({
    host: target.host, port: target.port, secureContext: tls.context, minVersion: TLS_MIN_VERSION,
    servername: /^[\d.]+$|:/.test(name) ? undefined : name,
    checkServerIdentity: (_host, cert) => checkServerIdentity(name, cert),
  });
  socket.setNoDelay(true);
  socket.once('secureConnect', onConnected);
  return socket;
}
