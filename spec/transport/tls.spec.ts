import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, SYSTEM_CLOCK } from '../../src/common/index.js';
import { clientTls, dial, FrameServer, type ServerOptions, type TlsServerOptions } from '../../src/transport/index.js';
import { certsForThisFile } from '../helpers/test-certs.js';
import { CaptureLogger } from './helpers/capture-logger.js';
import { startServer } from './helpers/servers.js';
import { Cleanup } from './helpers/sockets.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const certs = certsForThisFile();

const pong = (): Buffer => Buffer.from('pong');

function serverTls(clientAuth: TlsServerOptions['clientAuth'] = 'none'): TlsServerOptions {
  return { cert: certs().read(certs().serverCert), key: certs().read(certs().serverKey), ca: certs().read(certs().ca), clientAuth };
}

async function tlsServer(clientAuth: TlsServerOptions['clientAuth'], options: ServerOptions = {}): Promise<{ server: FrameServer; port: number; log: CaptureLogger }> {
  const log = new CaptureLogger();
  const started = await startServer(cleanup, pong, { tls: serverTls(clientAuth), logger: log, ...options });
  return { ...started, log };
}

/** A TLS client trusting the test CA; resolves once the handshake is done, rejects on a TLS error. */
async function connectTls(port: number, options: ConnectionOptions = {}): Promise<TLSSocket> {
  const socket = tlsConnect({ host: '127.0.0.1', port, ca: certs().read(certs().ca), ...options });
  cleanup.add(() => socket.destroy());
  await once(socket, 'secureConnect');
  return socket;
}

/** Sends `ping` in ascii4 framing and resolves with the answer's bytes. */
async function ping(socket: TLSSocket): Promise<string> {
  socket.write('0004ping');
  let got = '';
  while (got.length < 8) got += String((await once(socket, 'data'))[0]);
  return got;
}

/** Resolves when the server's peer closes `socket`, with the TLS error seen (if any). */
async function refused(socket: TLSSocket): Promise<void> {
  socket.on('error', () => {});
  socket.write('0004ping');
  if (!socket.destroyed) await once(socket, 'close');
}

const clientCert = (): ConnectionOptions => ({ cert: certs().read(certs().clientCert), key: certs().read(certs().clientKey) });

describe('FrameServer over TLS', () => {
  it('answers frames over TLS 1.2 or later, the plain-TCP connection code unchanged', async () => {
    const { server, port, log } = await tlsServer('none');
    const socket = await connectTls(port);
    expect(await ping(socket)).toBe('0004pong');
    expect(['TLSv1.2', 'TLSv1.3']).toContain(socket.getProtocol());
    expect(socket.getPeerCertificate().subject.CN).toBe('isotrace-test-server');
    expect(server.stats).toMatchObject({ accepted: 1, active: 1, tlsHandshakeFailures: 0 });
    expect(log.events('server.listening')[0]).toMatchObject({ tls: 'none' });
  });

  it('refuses a client without a certificate under require, counts it and logs the reason and the peer', async () => {
    const { server, port, log } = await tlsServer('require');
    const failed = once(server, 'tlsFailed');
    const socket = await connectTls(port); // TLS 1.3: the client finishes before the server checks
    const local = `${socket.localAddress}:${socket.localPort}`;
    await refused(socket);
    expect(await failed).toEqual(['127.0.0.1', 'client-certificate']);
    expect(server.stats).toMatchObject({ accepted: 0, active: 0, tlsHandshakeFailures: 1 });
    const line = log.events('conn.tls_failed')[0];
    expect(line).toMatchObject({ level: 'warn', remote: local, reason: 'client-certificate', err: { code: 'CONN_TLS_CLIENT_CERT', message: 'no client certificate' } });
  });

  it('refuses a client certificate of another CA under require, and answers one of its CA', async () => {
    const { server, port, log } = await tlsServer('require');
    const other = await connectTls(port, { cert: certs().read(certs().otherClientCert), key: certs().read(certs().otherClientKey) });
    await refused(other);
    expect(log.events('conn.tls_failed')[0]).toMatchObject({ reason: 'client-certificate', err: { code: 'CONN_TLS_CLIENT_CERT', message: expect.stringMatching(/^client certificate not trusted: [A-Z_]+$/) } });
    const good = await connectTls(port, clientCert());
    expect(await ping(good)).toBe('0004pong');
    expect(server.stats).toMatchObject({ accepted: 1, tlsHandshakeFailures: 1 });
  });

  it('accepts a client with or without a certificate under request', async () => {
    const { server, port } = await tlsServer('request');
    expect(await ping(await connectTls(port))).toBe('0004pong');
    expect(await ping(await connectTls(port, clientCert()))).toBe('0004pong');
    expect(server.stats.tlsHandshakeFailures).toBe(0);
  });

  it('refuses TLS 1.1 and counts the failed handshake', async () => {
    const { server, port, log } = await tlsServer('none');
    const failed = once(server, 'tlsFailed');
    await expect(connectTls(port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).rejects.toThrow(/protocol version|unsupported protocol/);
    expect(await failed).toEqual(['127.0.0.1', 'handshake']);
    expect(log.events('conn.tls_failed')[0]).toMatchObject({ reason: 'handshake', err: { code: 'CONN_TLS_HANDSHAKE', message: expect.stringContaining('unsupported protocol') } });
    expect(server.stats).toMatchObject({ accepted: 0, tlsHandshakeFailures: 1 });
  });

  it('refuses a plain TCP client on a TLS port without handing its frame to the handler', async () => {
    let calls = 0;
    const log = new CaptureLogger();
    const { server, port } = await startServer(cleanup, () => (calls++, pong()), { tls: serverTls(), logger: log });
    const plain = createConnection({ port, host: '127.0.0.1' });
    cleanup.add(() => plain.destroy());
    plain.on('error', () => {});
    plain.write('0004ping');
    await once(plain, 'close');
    expect(calls).toBe(0);
    expect(log.events('conn.tls_failed')[0]).toMatchObject({ level: 'warn', reason: 'handshake', err: { code: 'CONN_TLS_HANDSHAKE' } });
    expect(server.stats).toMatchObject({ accepted: 0, tlsHandshakeFailures: 1, tlsClosedBeforeHello: 0 });
  });

  it.each([
    ['closes', (s: Socket) => s.end()],
    ['resets', (s: Socket) => s.resetAndDestroy()],
    ['stays silent', () => {}],
  ])('issue #16: counts a connection that %s without sending a byte (a health check) apart from the failures, logged at debug', async (_what, close) => {
    const { server, port, log } = await tlsServer('none', { tlsHandshakeTimeoutMs: 100 });
    const check = createConnection({ port, host: '127.0.0.1' });
    cleanup.add(() => check.destroy());
    check.on('error', () => {});
    await once(check, 'connect');
    const local = `${check.localAddress}:${check.localPort}`;
    close(check);
    expect(await log.next('conn.tls_no_hello')).toMatchObject({ level: 'debug', remote: local });
    expect(log.events('conn.tls_failed')).toEqual([]);
    expect(server.stats).toMatchObject({ accepted: 0, tlsHandshakeFailures: 0, tlsClosedBeforeHello: 1 });
    expect(await ping(await connectTls(port))).toBe('0004pong');
  });

  it('closes a client that never completes its handshake after tlsHandshakeTimeoutMs, without holding a slot', async () => {
    const { server, port, log } = await tlsServer('none', { tlsHandshakeTimeoutMs: 100, maxConnections: 1 });
    const stalled = createConnection({ port, host: '127.0.0.1' });
    cleanup.add(() => stalled.destroy());
    stalled.on('error', () => {});
    await once(stalled, 'connect');
    stalled.write(Buffer.from([0x16, 0x03, 0x01])); // the start of a TLS record, then nothing
    // The stalled client holds no slot: a real client gets the only one meanwhile.
    expect(await ping(await connectTls(port))).toBe('0004pong');
    await once(stalled, 'close');
    expect(log.events('conn.tls_failed')[0]).toMatchObject({ level: 'warn', reason: 'handshake-timeout', err: { code: 'CONN_TLS_HANDSHAKE', message: 'no handshake within 100 ms' } });
    expect(server.stats).toMatchObject({ accepted: 1, refused: 0, tlsHandshakeFailures: 1, tlsClosedBeforeHello: 0 });
  });

  it('reloads its certificate: open connections keep working, new ones get the new certificate', async () => {
    const { server, port } = await tlsServer('none');
    const before = await connectTls(port);
    server.reloadTls({ cert: certs().read(certs().server2Cert), key: certs().read(certs().server2Key), ca: certs().read(certs().ca) });
    expect(await ping(before)).toBe('0004pong');
    const after = await connectTls(port);
    expect(after.getPeerCertificate().subject.CN).toBe('isotrace-test-server-2');
    expect(await ping(after)).toBe('0004pong');
    await expect(connectTls(port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).rejects.toThrow();
  });

  it('keeps its certificate when a reload is not usable', async () => {
    const { server, port } = await tlsServer('require');
    const mismatched = { cert: certs().read(certs().server2Cert), key: certs().read(certs().serverKey), ca: certs().read(certs().ca) };
    expect(() => server.reloadTls(mismatched)).toThrow(ConfigError);
    expect(() => server.reloadTls(mismatched)).toThrow(/^server\.tls\.key: not usable: .*key values mismatch/);
    expect(() => server.reloadTls({ ...mismatched, key: certs().read(certs().server2Key), ca: null })).toThrow('server.tls.ca: required with clientAuth require');
    const socket = await connectTls(port, clientCert());
    expect(socket.getPeerCertificate().subject.CN).toBe('isotrace-test-server');
  });

  it.each([
    [{ cert: undefined }, 'server.tls.cert: missing: expected PEM bytes (a Buffer)'],
    [{ key: Buffer.from('not a key') }, 'server.tls.key: not usable'],
    [{ ca: null, clientAuth: 'require' }, 'server.tls.ca: required with clientAuth require: the CA that signs client certificates'],
    [{ clientAuth: 'always' }, 'server.tls.clientAuth'],
    [{ crl: Buffer.from('x') }, 'server.tls.crl: unknown option'],
  ] as const)('fails at construction naming the TLS option: %j', (change, message) => {
    const tls = { ...serverTls(), ...change } as TlsServerOptions;
    expect(() => new FrameServer(pong, { tls })).toThrow(ConfigError);
    expect(() => new FrameServer(pong, { tls })).toThrow(message);
  });

  it('cannot reload a plain TCP server', async () => {
    const { server } = await startServer(cleanup, pong);
    expect(() => server.reloadTls(serverTls())).toThrow('server.tls: this server serves plain TCP');
  });
});

describe('dial over TLS', () => {
  async function dialed(port: number, tls: ReturnType<typeof clientTls>): Promise<Error | null> {
    return new Promise((resolve) => {
      dial({ host: '127.0.0.1', port, connectTimeoutMs: 5000, clock: SYSTEM_CLOCK, tls }, (socket) => {
        cleanup.add(() => socket.destroy());
        resolve(null);
      }, resolve);
    });
  }

  it('connects once the server certificate checks against the CA and the address', async () => {
    const { port } = await tlsServer('require');
    expect(await dialed(port, clientTls({ ca: certs().read(certs().ca), cert: certs().read(certs().clientCert), key: certs().read(certs().clientKey) }))).toBeNull();
  });

  it('fails with the TLS reason for a server its CA does not sign, or a name the certificate lacks', async () => {
    const { port } = await tlsServer('none');
    expect(await dialed(port, clientTls({ ca: certs().read(certs().otherCa) }))).toMatchObject({ code: expect.stringMatching(/CERT|SIGNATURE/) });
    expect(await dialed(port, clientTls({ ca: certs().read(certs().ca), serverName: 'switch.example' }))).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(await dialed(port, clientTls({ ca: certs().read(certs().ca), serverName: 'localhost' }))).toBeNull();
  });

  it.each([
    [{ cert: Buffer.from('-----BEGIN CERTIFICATE-----') }, 'tls.key: a client certificate needs both cert and key'],
    [{ ca: Buffer.from('not pem') }, 'tls.ca: not usable'],
    [{ serverName: '' }, 'tls.serverName: expected a host name'],
  ])('checks the client side at once: %j', (options, message) => {
    expect(() => clientTls(options)).toThrow(message);
  });
});
