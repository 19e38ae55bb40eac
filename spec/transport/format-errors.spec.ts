// Format-error limits of FrameServer over real sockets: a connection that keeps sending frames the
// application cannot read is closed once its answers are out, and an address past its limit is
// refused for a while; the limiter's window and ban on a manual clock.

import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { FormatErrorLimiter } from '../../src/transport/format-error-limiter.js';
import type { ConnectionContext } from '../../src/transport/index.js';
import { CaptureLogger } from './helpers/capture-logger.js';
import { ManualClock } from './helpers/manual-clock.js';
import { startServer, until } from './helpers/servers.js';
import { Cleanup, RawPeer } from './helpers/sockets.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** One ascii4 frame holding `body`. */
const frame = (body: string): Buffer => Buffer.from(`${String(body.length).padStart(4, '0')}${body}`, 'latin1');

describe('FormatErrorLimiter', () => {
  it('passes a connection limit only past its count within the window, and starts again after it', () => {
    const clock = new ManualClock();
    const limiter = new FormatErrorLimiter({ maxPerConnection: 2, maxPerAddress: 0, windowMs: 1000, banMs: 0 }, clock);
    const conn = {};
    expect([limiter.record(conn, 'a'), limiter.record(conn, 'a')]).toEqual([null, null]);
    expect(limiter.record(conn, 'a')).toEqual({ limit: 'connection', count: 3, max: 2 });
    clock.advance(1000);
    expect(limiter.record(conn, 'a')).toBeNull();
    expect(limiter.record({}, 'a')).toBeNull();
  });

  it('counts an address across connections and refuses it for banMs', () => {
    const clock = new ManualClock();
    const limiter = new FormatErrorLimiter({ maxPerConnection: 0, maxPerAddress: 2, windowMs: 1000, banMs: 5000 }, clock);
    expect([limiter.record({}, 'a'), limiter.record({}, 'a'), limiter.record({}, 'b')]).toEqual([null, null, null]);
    expect(limiter.record({}, 'a')).toEqual({ limit: 'address', count: 3, max: 2 });
    expect([limiter.isBanned('a'), limiter.isBanned('b')]).toEqual([true, false]);
    clock.advance(5000);
    expect(limiter.isBanned('a')).toBe(false);
  });
});

describe('FrameServer format-error limits', () => {
  it('issue #13: answers the frames, then closes a connection past maxFormatErrorsPerConnection, logging why', async () => {
    const logger = new CaptureLogger();
    let server: { reportFormatError(c: ConnectionContext): void } | null = null;
    const started = await startServer(cleanup, (f, ctx) => {
      server?.reportFormatError(ctx);
      return Promise.resolve(Buffer.from(`R${f.toString('latin1')}`));
    }, { maxFormatErrorsPerConnection: 3, logger });
    server = started.server;
    const serverClosed = once(started.server, 'close');
    const peer = await RawPeer.connect(started.port, cleanup);
    for (let i = 0; i < 6; i++) peer.write(frame('0100'));
    await Promise.all([peer.closed(), serverClosed]);
    // Four frames taken (the fourth passed the limit and was still answered), the rest discarded.
    expect(peer.length).toBe(4 * 9);
    expect(started.server.stats.closed).toEqual({ 'format-errors': 1 });
    expect(logger.lines.find((l) => l.evt === 'conn.format_errors')).toMatchObject({ level: 'warn', limit: 'connection', count: 4, max: 3, err: { code: 'CONN_FORMAT_ERRORS' } });
  });

  it('issue #13: refuses new connections from an address past maxFormatErrorsPerAddress for formatErrorBanMs', async () => {
    let server: { reportFormatError(c: ConnectionContext): void } | null = null;
    const started = await startServer(cleanup, (_f, ctx) => {
      server?.reportFormatError(ctx);
      return Buffer.from('R');
    }, { maxFormatErrorsPerConnection: 0, maxFormatErrorsPerAddress: 2, formatErrorBanMs: 60_000 });
    server = started.server;
    const first = await RawPeer.connect(started.port, cleanup);
    first.write(frame('0100'));
    first.write(frame('0100'));
    await first.until(10);
    const second = await RawPeer.connect(started.port, cleanup);
    second.write(frame('0100'));
    await Promise.all([second.closed(), first.until(10)]);
    const refused = once(started.server, 'refused');
    const third = await RawPeer.connect(started.port, cleanup);
    expect(await refused).toEqual(['127.0.0.1', 'format-errors']);
    await third.closed();
    expect(started.server.stats.refused).toBe(1);
  });

  it('logs one warn line per closed connection, however many answers were still in flight', async () => {
    const logger = new CaptureLogger();
    const reports: ConnectionContext[] = [];
    let release = (): void => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const started = await startServer(cleanup, async (_f, ctx) => {
      reports.push(ctx);
      await held;
      return Buffer.from('R');
    }, { maxFormatErrorsPerConnection: 1, logger });
    const peer = await RawPeer.connect(started.port, cleanup);
    for (let i = 0; i < 5; i++) peer.write(frame('0100'));
    await until(() => reports.length === 5, 'five frames in flight');
    // Reported as they are found to be format errors, after the frames were all taken.
    for (const ctx of reports) started.server.reportFormatError(ctx);
    release();
    await peer.closed();
    expect(logger.lines.filter((l) => l.evt === 'conn.format_errors')).toHaveLength(1);
    expect(peer.length).toBe(5 * 5);
  });

  it('leaves connections alone when both limits are 0', async () => {
    let server: { reportFormatError(c: ConnectionContext): void } | null = null;
    const started = await startServer(cleanup, (_f, ctx) => {
      server?.reportFormatError(ctx);
      return Buffer.from('R');
    }, { maxFormatErrorsPerConnection: 0, maxFormatErrorsPerAddress: 0 });
    server = started.server;
    const peer = await RawPeer.connect(started.port, cleanup);
    for (let i = 0; i < 50; i++) peer.write(frame('0100'));
    await peer.until(50 * 5);
    expect(started.server.connectionCount).toBe(1);
  });
});
