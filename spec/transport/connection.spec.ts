import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError, type Connection, type ConnectionContext, type FrameServer } from '../../src/transport/index.js';
import { CaptureLogger } from './helpers/capture-logger.js';
import { ManualClock } from './helpers/manual-clock.js';
import { startServer, until } from './helpers/servers.js';
import { Cleanup, RawPeer } from './helpers/sockets.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('Connection timeouts (manual clock)', () => {
  it('closes with reason idle-timeout, logged at info, when no byte arrives for idleTimeoutMs', async () => {
    const clock = new ManualClock();
    const log = new CaptureLogger();
    const { server, port } = await startServer(cleanup, () => null, { clock, logger: log });
    const opened = once(server, 'open');
    const peer = await RawPeer.connect(port, cleanup);
    await opened;
    clock.advance(299_000);
    expect(server.connectionCount).toBe(1);
    const closed = once(server, 'close');
    clock.advance(2_000);
    const [, reason, err] = await closed;
    expect(reason).toBe('idle-timeout');
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'CONN_IDLE_TIMEOUT', timeoutMs: 300_000 });
    await peer.closed();
    expect(log.events('conn.close')).toMatchObject([{ level: 'info', reason: 'idle-timeout', err: { code: 'CONN_IDLE_TIMEOUT' } }]);
  });

  it('closes with reason frame-timeout when a started frame is not finished within frameTimeoutMs, even while bytes trickle in', async () => {
    const clock = new ManualClock();
    const log = new CaptureLogger();
    let ctx: Connection | undefined;
    const { server, port } = await startServer(cleanup, () => Buffer.from('ok'), { clock, logger: log, idleTimeoutMs: 5_000, frameTimeoutMs: 10_000 });
    server.on('open', (c) => (ctx = c as Connection));
    const peer = await RawPeer.connect(port, cleanup);
    peer.write(ascii('0001a0009sl')); // one frame, then the start of a 9-byte one
    await peer.until(6);
    // A slow drip: a byte every 4 s keeps the idle timeout away but not the frame timeout.
    for (const byte of ['o', 'w']) {
      clock.advance(4_000);
      const before = ctx!.bytesIn;
      peer.write(ascii(byte));
      await until(() => ctx!.bytesIn !== before, 'the drip byte to arrive');
    }
    expect(server.connectionCount).toBe(1);
    const closed = once(server, 'close');
    clock.advance(4_000);
    const [, reason, err] = await closed;
    expect(reason).toBe('frame-timeout');
    expect(err).toMatchObject({ code: 'CONN_FRAME_TIMEOUT', timeoutMs: 10_000 });
    expect(log.events('conn.close')).toMatchObject([{ level: 'warn', reason: 'frame-timeout', isMidFrame: true }]);
  });
});

describe('Connection keep-alive-only policy (manual clock)', () => {
  /** A server answering 'ok', a peer that has sent one message, and the clock where the sweep has seen it. */
  async function peerAfterOneMessage(maxKeepAliveOnlyMs: number): Promise<{ clock: ManualClock; log: CaptureLogger; server: FrameServer; peer: RawPeer }> {
    const clock = new ManualClock();
    const log = new CaptureLogger();
    const { server, port } = await startServer(cleanup, () => Buffer.from('ok'), { clock, logger: log, idleTimeoutMs: 5_000, maxKeepAliveOnlyMs });
    const peer = await RawPeer.connect(port, cleanup);
    peer.write(ascii('0001a'));
    await peer.until(6);
    clock.advance(1_000);
    return { clock, log, server, peer };
  }

  /** Sends a keep-alive 4 s of clock apart, `n` times, each echoed before the next. */
  async function keepAlives(clock: ManualClock, peer: RawPeer, n: number, extra = ''): Promise<void> {
    for (let i = 0; i < n; i++) {
      clock.advance(4_000);
      const before = peer.received.length;
      peer.write(ascii(`0000${extra}`));
      await peer.until(before + 4 + (extra === '' ? 0 : 6));
    }
  }

  it('issue #13: closes with reason keepalive-only a peer that sends only keep-alives for maxKeepAliveOnlyMs', async () => {
    const { clock, log, server, peer } = await peerAfterOneMessage(12_000);
    await keepAlives(clock, peer, 2); // each keeps the 5 s idle timeout away
    expect(server.connectionCount).toBe(1);
    const closed = once(server, 'close');
    clock.advance(4_000);
    const [, reason, err] = await closed;
    expect(reason).toBe('keepalive-only');
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'CONN_KEEPALIVE_ONLY', timeoutMs: 12_000, message: 'only keep-alives (2) and no message for 12000 ms' });
    await peer.closed();
    expect(log.events('conn.close')).toMatchObject([{ level: 'info', reason: 'keepalive-only', err: { code: 'CONN_KEEPALIVE_ONLY' } }]);
  });

  it('issue #13: keeps a peer that sends a message between its keep-alives', async () => {
    const { clock, server, peer } = await peerAfterOneMessage(6_000);
    await keepAlives(clock, peer, 5, '0001b');
    expect(server.connectionCount).toBe(1);
  });
});

describe('Connection back-pressure', () => {
  it('stops reading from a peer that never reads, keeps its write buffer bounded, and finishes once it reads', async () => {
    const REPLY = Buffer.alloc(9_000, 0x41);
    const REQUESTS = 3_000;
    let conn: Connection | undefined;
    let handled = 0;
    const { server, port } = await startServer(cleanup, () => (handled++, REPLY));
    server.on('open', (c) => (conn = c as Connection));
    const peer = await RawPeer.connect(port, cleanup);
    peer.socket.pause();
    peer.write(Buffer.from('0001x'.repeat(REQUESTS), 'latin1'));
    await until(() => conn?.isReadPaused === true, 'the server to pause reading');
    // Paused with most requests unread: the kernel buffers hold what was written, the process
    // holds at most the high-water mark plus one answer.
    expect(handled).toBeLessThan(REQUESTS);
    expect(conn!.writableLength).toBeLessThan(16_384 + 2 * REPLY.length);
    peer.socket.resume();
    await peer.until(REQUESTS * (REPLY.length + 4));
    expect(handled).toBe(REQUESTS);
    expect(conn!.isReadPaused).toBe(false);
  });

  it('pauses reading at maxInFlightPerConnection and resumes as answers complete', async () => {
    const waiting: Array<() => void> = [];
    let conn: Connection | undefined;
    const { server, port } = await startServer(cleanup, () => new Promise<Buffer>((resolve) => waiting.push(() => resolve(Buffer.from('r')))), { maxInFlightPerConnection: 2 });
    server.on('open', (c) => (conn = c as Connection));
    const peer = await RawPeer.connect(port, cleanup);
    peer.write(ascii('0001a0001b0001c0001d'));
    await until(() => waiting.length === 2 && conn!.isReadPaused, 'two frames in flight');
    expect(conn!.inFlight).toBe(2);
    waiting.shift()!();
    await until(() => waiting.length === 2, 'the third frame');
    while (waiting.length > 0) waiting.shift()!();
    await until(() => waiting.length > 0 || peer.length >= 20, 'more frames');
    while (waiting.length > 0) waiting.shift()!();
    await peer.until(20);
    expect(peer.received.toString('latin1')).toBe('0001r0001r0001r0001r');
  });
});

describe('Connection close rules', () => {
  it('logs a normal close at debug when a POS peer closes right after its answer', async () => {
    const log = new CaptureLogger();
    const { server, port } = await startServer(cleanup, () => Buffer.from('ok'), { logger: log });
    const peer = await RawPeer.connect(port, cleanup);
    const closed = once(server, 'close');
    peer.write(ascii('0001a'));
    await peer.until(6);
    peer.socket.resetAndDestroy();
    const [, reason] = await closed;
    expect(['peer-closed', 'peer-reset']).toContain(reason);
    expect(log.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    expect(log.events('conn.close')).toMatchObject([{ level: 'debug' }]);
  });

  it('still answers when the peer half-closes right after its request', async () => {
    const { server, port } = await startServer(cleanup, () => new Promise<Buffer>((resolve) => setImmediate(() => resolve(Buffer.from('late')))));
    const closed = once(server, 'close');
    const peer = await RawPeer.connect(port, cleanup);
    peer.socket.end(ascii('0001a'));
    await peer.closed();
    expect(peer.received.toString('latin1')).toBe('0004late');
    const [ctx, reason] = (await closed) as [ConnectionContext, string];
    expect(reason).toBe('peer-closed');
    expect(ctx.connId).toMatch(/^c\d+$/);
  });
});
