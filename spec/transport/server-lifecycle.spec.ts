import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, NOOP_LOGGER } from '../../src/common/index.js';
import { ConnectionError, drainOnSignals, FrameServer } from '../../src/transport/index.js';
import { CaptureLogger } from './helpers/capture-logger.js';
import { ManualClock } from './helpers/manual-clock.js';
import { startServer, until } from './helpers/servers.js';
import { Cleanup, RawPeer } from './helpers/sockets.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('FrameServer listening', () => {
  it('reports the bound address when port 0 is asked for', async () => {
    const { server, port } = await startServer(cleanup, () => null);
    expect(port).toBeGreaterThan(0);
    expect(server.address).toEqual({ host: '127.0.0.1', port });
  });

  it('rejects with SERVER_LISTEN_FAILED when the port is taken', async () => {
    const { port } = await startServer(cleanup, () => null);
    const second = new FrameServer(() => null, { port });
    const err = await second.listen().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: 'SERVER_LISTEN_FAILED', message: `cannot listen on 127.0.0.1:${port}: EADDRINUSE` });
  });

  it('issue #13: closes without logging a drain when it never listened (its port was taken)', async () => {
    const { port } = await startServer(cleanup, () => null);
    const log = new CaptureLogger();
    const second = new FrameServer(() => null, { port, logger: log });
    await expect(second.listen()).rejects.toMatchObject({ code: 'SERVER_LISTEN_FAILED' });
    expect(await second.close()).toEqual({ graceful: 0, forced: 0 });
    expect(log.lines.map((l) => l.evt)).toEqual([]);
  });

  it('serves 1,000 concurrent connections, each doing request/response', async () => {
    const N = 1_000;
    const { server, port } = await startServer(cleanup, (frame) => Buffer.concat([ascii('re:'), frame]), { maxConnectionsPerAddress: N, backlog: 2048 });
    const answers = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const peer = await RawPeer.connect(port, cleanup);
        const body = String(i).padStart(6, '0');
        peer.write(ascii(`0006${body}`));
        await peer.until(13);
        const text = peer.received.toString('latin1');
        peer.socket.end();
        return text;
      }),
    );
    expect(answers).toEqual(Array.from({ length: N }, (_, i) => `0009re:${String(i).padStart(6, '0')}`));
    expect(server.stats).toMatchObject({ accepted: N, refused: 0, framesIn: N, framesOut: N });
    await until(() => server.connectionCount === 0, 'all connections to close');
  });
});

describe('FrameServer connection caps', () => {
  async function connectAndSeeClose(port: number): Promise<Socket> {
    const s = createConnection({ host: '127.0.0.1', port });
    cleanup.add(() => s.destroy());
    s.on('error', () => {});
    await once(s, 'connect');
    return s;
  }

  it('closes a new connection at once, logs and counts it, past maxConnectionsPerAddress', async () => {
    const log = new CaptureLogger();
    const { server, port } = await startServer(cleanup, () => ascii('ok'), { maxConnectionsPerAddress: 2, logger: log });
    const a = await RawPeer.connect(port, cleanup);
    await RawPeer.connect(port, cleanup);
    const refused = once(server, 'refused');
    const third = await connectAndSeeClose(port);
    expect(await refused).toEqual(['127.0.0.1', 'max-per-address']);
    await once(third, 'close');
    expect(server.stats).toMatchObject({ accepted: 2, refused: 1, active: 2 });
    expect(log.events('conn.refused')).toMatchObject([{ level: 'warn', reason: 'max-per-address', limit: 2, remote: '127.0.0.1', err: { code: 'CONN_REFUSED' } }]);
    a.write(ascii('0001x'));
    await a.until(6);
    expect(a.received.toString('latin1')).toBe('0002ok');
  });

  it('refuses past maxConnections and accepts again once one closes', async () => {
    const { server, port } = await startServer(cleanup, () => null, { maxConnections: 1 });
    const first = await RawPeer.connect(port, cleanup);
    const refused = once(server, 'refused');
    await connectAndSeeClose(port);
    expect(await refused).toEqual(['127.0.0.1', 'max-connections']);
    const closed = once(server, 'close');
    first.socket.end();
    await closed;
    const opened = once(server, 'open');
    await RawPeer.connect(port, cleanup);
    await opened;
    expect(server.stats).toMatchObject({ accepted: 2, refused: 1 });
  });
});

describe('FrameServer drain', () => {
  it('stops accepting, lets in-flight answers go out, then closes', async () => {
    const waiting: Array<() => void> = [];
    const { server, port } = await startServer(cleanup, (frame) => {
      const copy = Buffer.copyBytesFrom(frame);
      return new Promise<Buffer>((resolve) => waiting.push(() => resolve(copy)));
    });
    const peers = await Promise.all([1, 2, 3].map(() => RawPeer.connect(port, cleanup)));
    peers.forEach((p, i) => p.write(ascii(`0001${i}`)));
    await until(() => waiting.length === 3, 'three requests in flight');
    const drained = server.drain(5_000);
    const late = createConnection({ host: '127.0.0.1', port });
    cleanup.add(() => late.destroy());
    const [err] = (await once(late, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
    expect(err.code).toBe('ECONNREFUSED');
    for (const release of waiting) release();
    // Each peer gets its answer, then sees the server end the connection.
    await Promise.all(peers.map((p) => p.closed()));
    expect(peers.map((p) => p.received.toString('latin1'))).toEqual(['00010', '00011', '00012']);
    expect(await drained).toEqual({ graceful: 3, forced: 0 });
    expect(server.address).toBeNull();
  });

  it('closes what is still in flight at the deadline with CONN_DRAIN_TIMEOUT', async () => {
    const clock = new ManualClock();
    const log = new CaptureLogger();
    let handled = 0;
    const { server, port } = await startServer(cleanup, () => (handled++, new Promise<Buffer>(() => {})), { clock, logger: log });
    const peer = await RawPeer.connect(port, cleanup);
    peer.write(ascii('0001a'));
    await until(() => handled === 1, 'the request to be in flight');
    const closed = once(server, 'close');
    const drained = server.drain(1_000);
    clock.advance(1_000);
    const [, reason, err] = await closed;
    expect(reason).toBe('drain-deadline');
    expect(err).toMatchObject({ code: 'CONN_DRAIN_TIMEOUT' });
    expect(await drained).toEqual({ graceful: 0, forced: 1 });
    expect(log.events('conn.close')).toMatchObject([{ level: 'warn', reason: 'drain-deadline', inFlight: 1 }]);
  });

  it('drains on SIGTERM when drainOnSignals is installed', async () => {
    const { server } = await startServer(cleanup, () => null);
    const done = new Promise((resolve) => {
      const remove = drainOnSignals(server, resolve, NOOP_LOGGER);
      cleanup.add(remove);
    });
    process.emit('SIGTERM', 'SIGTERM');
    expect(await done).toEqual({ graceful: 0, forced: 0 });
    expect(server.address).toBeNull();
  });
});

describe('FrameServer options', () => {
  it.each([
    ['server.maxFrameBytes: expected an integer in 1..1048576, got 0', { maxFrameBytes: 0 }],
    ['server.port: expected an integer in 0..65535, got 70000', { port: 70_000 }],
    ['server.framing: expected one of ascii4, binary2, binary2-incl, bcd2, hex4, binary4, vmlh, got "ascii2"', { framing: 'ascii2' }],
    ['server.header: expected one of none, tpdu, got "tpdu5"', { header: 'tpdu5' }],
    ['server.idleTimeoutMs: expected an integer in 0..86400000, got -1', { idleTimeoutMs: -1 }],
    ['server.tpdu: unknown option; it is now called header', { tpdu: true }],
    ['server.idleTimeout: unknown option; it is now called idleTimeoutMs', { idleTimeout: 5 }],
    ['server.logger: expected a pino-compatible logger (missing trace)', { logger: {} }],
  ])('throws ConfigError "%s"', (message, options) => {
    expect(() => new FrameServer(() => null, options as never)).toThrow(ConfigError);
    expect(() => new FrameServer(() => null, options as never)).toThrow(message);
  });

  it('freezes the resolved options with the documented defaults', () => {
    const s = new FrameServer(() => null);
    expect(Object.isFrozen(s.options)).toBe(true);
    expect(s.options).toMatchObject({ host: '127.0.0.1', port: 8583, framing: 'ascii4', header: 'none', maxFrameBytes: 8192, idleTimeoutMs: 300_000, frameTimeoutMs: 10_000, maxConnections: 10_000 });
  });
});
