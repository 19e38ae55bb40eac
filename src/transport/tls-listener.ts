// The TLS listener of a FrameServer: accepts a connection only once its handshake is complete (a
// client that never completes it holds no slot), applies the client-certificate policy, reports
// every refusal with its reason, and swaps certificates on reload. Never touches frames.

import type { Server, Socket } from 'node:net';
import { createServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { ConfigError, type ErrorCode } from '../common/index.js';
import { checkTlsMaterial, TLS_MIN_VERSION, type ResolvedTlsServerOptions, type TlsMaterial } from './tls.js';

/** Why a TLS client got no connection: its handshake failed or timed out, or its certificate was refused. */
export type TlsFailure = 'handshake' | 'handshake-timeout' | 'client-certificate';

/** A TLS server and the way to close the connections still in their handshake. */
export interface TlsListener {
  readonly server: TlsServer;
  /** Closes every connection whose handshake is not complete (a drain does not wait for them). */
  closeHandshakes(): void;
}

/** A refused client's address and port (empty and 0 when they could not be known). */
export interface TlsPeer {
  address: string;
  port: number;
}

/** Told of each refused client (its socket is destroyed); `why` is OpenSSL's or Node's reason. */
export type TlsFailureSink = (peer: TlsPeer, reason: TlsFailure, code: ErrorCode, why: string) => void;

/**
 * Told of each TCP connection that ended (closed, reset, or its handshake timed out) before it sent
 * a byte (no ClientHello): a load balancer's or monitor's port check, not a TLS client that failed.
 */
export type SilentCloseSink = (peer: TlsPeer) => void;

/** The TCP socket under a server's TLS socket (Node keeps it as `_parent`); null if unknown. */
function rawOf(socket: TLSSocket): Socket | null {
  return (socket as TLSSocket & { _parent?: Socket | null })._parent ?? null;
}

/** The peer of `socket`, or of the TCP socket under it when the TLS socket is closed already. */
function peerOf(socket: TLSSocket): TlsPeer {
  const raw = rawOf(socket);
  return { address: socket.remoteAddress ?? raw?.remoteAddress ?? '', port: socket.remotePort ?? raw?.remotePort ?? 0 };
}

/** OpenSSL's verify result for a client that sent no certificate at all. */
const NO_CERT_CODES: ReadonlySet<string> = new Set(['UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);

/**
 * A tls.Server for `tls`: `onAccepted` gets each client that completed its handshake (and, under
 * `require`, presented a certificate signed by the CA); `onFailed` each one refused; `onSilent`
 * each connection that ended before sending anything (a port check). Client
 * certificates are checked here rather than by Node (rejectUnauthorized false), because Node
 * drops an untrusted one silently: here every refusal is counted and logged.
 */
export function createTlsListener(
  tls: ResolvedTlsServerOptions, handshakeTimeoutMs: number, onAccepted: (socket: Socket) => void, onFailed: TlsFailureSink, onSilent: SilentCloseSink,
): TlsListener {
  const isRequired = tls.clientAuth === 'require';
  /** TCP sockets whose handshake is not complete: a drain closes them rather than wait for their timeout. */
  const handshaking = new Set<Socket>();
  const server = createServer({
    allowHalfOpen: true, noDelay: true, minVersion: TLS_MIN_VERSION, cert: tls.cert, key: tls.key, ca: tls.ca ?? undefined,
    requestCert: tls.clientAuth !== 'none', rejectUnauthorized: false, handshakeTimeout: handshakeTimeoutMs,
  }, (socket: TLSSocket) => {
    const raw = rawOf(socket);
    if (raw !== null) handshaking.delete(raw);
    if (!isRequired || socket.authorized) return onAccepted(socket);
    // authorizationError is OpenSSL's verify code as text (typed Error by @types/node).
    const code = String(socket.authorizationError ?? '');
    const hasCert = Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
    const why = !hasCert && (code === '' || NO_CERT_CODES.has(code)) ? 'no client certificate' : `client certificate not trusted: ${code}`;
    onFailed(peerOf(socket), 'client-certificate', 'CONN_TLS_CLIENT_CERT', why);
    socket.destroy();
  });
  // Reading the raw socket's address caches it: a client gone before its handshake still has a peer to log.
  server.on('connection', (raw: Socket) => {
    void raw.remoteAddress;
    handshaking.add(raw);
    raw.once('close', () => handshaking.delete(raw));
  });
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
    const peer = peerOf(socket);
    socket.destroy(); // a handshake timeout is only reported by Node, not acted on
    const isTimeout = err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT';
    // Not a byte before the end: nothing of TLS was even tried (a port check). A peer's FIN is seen
    // only at the handshake timeout (allowHalfOpen keeps the socket), a reset at once.
    if (rawOf(socket)?.bytesRead === 0) return onSilent(peer);
    // OpenSSL's reason ("unsupported protocol") rather than its message, which names source files.
    const reason = (err as { reason?: unknown }).reason;
    const why = err.code === 'ECONNRESET' ? 'closed by the client before the handshake completed'
      : isTimeout ? `no handshake within ${handshakeTimeoutMs} ms` : typeof reason === 'string' ? `${reason} (${err.code})` : err.message;
    onFailed(peer, isTimeout ? 'handshake-timeout' : 'handshake', 'CONN_TLS_HANDSHAKE', why);
  });
  return {
    server,
    closeHandshakes: () => {
      for (const raw of handshaking) raw.destroy();
      handshaking.clear();
    },
  };
}

/**
 * New certificate material for `server` (a TLS listener when `tls` is set); open connections keep
 * theirs. Nothing changes when `material` is not usable.
 * @throws ConfigError naming server.tls.cert, .key or .ca, or server.tls for a plain TCP server.
 */
export function reloadTlsListener(server: Server, tls: ResolvedTlsServerOptions | null, material: TlsMaterial): void {
  if (tls === null) throw new ConfigError('server.tls', 'this server serves plain TCP: there is nothing to reload');
  const m = checkTlsMaterial(material, 'server.tls');
  if (tls.clientAuth !== 'none' && m.ca === null) throw new ConfigError('server.tls.ca', `required with clientAuth ${tls.clientAuth}`);
  (server as TlsServer).setSecureContext({ minVersion: TLS_MIN_VERSION, cert: m.cert, key: m.key, ca: m.ca ?? undefined });
}
