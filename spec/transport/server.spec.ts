import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { FramingError, type ConnectionContext, type FrameServer } from '../../src/transport/index.js';
import { DESIGN_TABLE_291 } from './framing/frame-table.js';
import { CaptureLogger } from './helpers/capture-logger.js';
import { startServer, until } from './helpers/servers.js';
import { Cleanup, RawPeer } from './helpers/sockets.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const TPDU_IN = '6000120000';
const TPDU_OUT = '6000000012';

describe('FrameServer framing on the wire', () => {
  it.each(DESIGN_TABLE_291.flatMap(([f, h]) => [[f, h, 'none'], [f, h, 'tpdu']] as const))(
    'reads and writes %s (%s) byte for byte with header %s',
    async (framing, headerHex, header) => {
      const hasTpdu = header === 'tpdu';
      const bodyBytes = hasTpdu ? 286 : 291; // the length (291) counts the TPDU
      const request = Buffer.alloc(bodyBytes, 0x52);
      const answer = Buffer.alloc(bodyBytes, 0x41);
      const seen: Array<{ frame: string; tpdu: string | null }> = [];
      const { port } = await startServer(cleanup, (frame, ctx) => {
        seen.push({ frame: frame.toString('hex'), tpdu: ctx.tpdu?.toString('hex') ?? null });
        return answer;
      }, { framing, header });
      const peer = await RawPeer.connect(port, cleanup);
      peer.write(headerHex + (hasTpdu ? TPDU_IN : '') + request.toString('hex'));
      const expected = headerHex + (hasTpdu ? TPDU_OUT : '') + answer.toString('hex');
      await peer.until(expected.length / 2);
      expect(peer.received.toString('hex')).toBe(expected);
      expect(seen).toEqual([{ frame: request.toString('hex'), tpdu: hasTpdu ? TPDU_IN : null }]);
    },
  );

  it('answers the worked example (binary2 + TPDU, 0100 -> 0110) with the TPDU swapped', async () => {
    const { readFile } = await import('node:fs/promises');
    const examples = JSON.parse(await readFile(new URL('../../fixtures/worked-examples/worked-examples.json', import.meta.url), 'utf8')) as Array<Record<string, string>>;
    const ex = examples.find((e) => e.tpdu !== undefined)!;
    const reply = Buffer.from(ex.expected_response_0110_hex, 'hex').subarray(5); // the 0110 without its TPDU
    const { port } = await startServer(cleanup, (frame, ctx) => {
      expect(ctx.tpdu?.toString('hex').toUpperCase()).toBe(ex.tpdu);
      expect(frame.toString('hex').toUpperCase()).toBe(ex.hex.slice(10));
      return reply;
    }, { framing: 'binary2', header: 'tpdu' });
    const peer = await RawPeer.connect(port, cleanup);
    peer.write(ex.wire_hex);
    const len = reply.length + 5;
    await peer.until(2 + len);
    expect(peer.hex()).toBe(len.toString(16).toUpperCase().padStart(4, '0') + ex.expected_response_0110_tpdu + reply.toString('hex').toUpperCase());
  });

  it('echoes a keep-alive and never hands it to the handler when the length is zero', async () => {
    let calls = 0;
    const { port } = await startServer(cleanup, () => (calls++, Buffer.from('x')), { framing: 'binary2-incl' });
    const peer = await RawPeer.connect(port, cleanup);
    peer.write('0002');
    await peer.until(2);
    expect(peer.hex()).toBe('0002');
    peer.write('000361');
    await peer.until(5);
    expect(peer.hex()).toBe('0002000378');
    expect(calls).toBe(1);
  });

  it('answers in completion order when async answers finish out of order', async () => {
    const resolvers = new Map<string, (b: Buffer) => void>();
    const { port } = await startServer(cleanup, (frame) => new Promise<Buffer>((resolve) => resolvers.set(frame.toString(), resolve)));
    const peer = await RawPeer.connect(port, cleanup);
    peer.write(Buffer.from('0001a0001b', 'latin1'));
    await until(() => resolvers.size === 2, 'both frames handled');
    resolvers.get('b')!(Buffer.from('B'));
    await peer.until(5);
    resolvers.get('a')!(Buffer.from('A'));
    await peer.until(10);
    expect(peer.received.toString('latin1')).toBe('0001B0001A');
  });

  it('sends nothing for null and keeps the connection when the handler throws', async () => {
    const log = new CaptureLogger();
    const { port, server } = await startServer(cleanup, (frame) => {
      if (frame[0] === 0x6e) return null;
      if (frame[0] === 0x74) throw new Error('bug');
      return Buffer.from('ok');
    }, { logger: log });
    const peer = await RawPeer.connect(port, cleanup);
    peer.write(Buffer.from('0001n0001t0001y', 'latin1'));
    await peer.until(6);
    expect(peer.received.toString('latin1')).toBe('0002ok');
    expect(log.events('handler.error')).toMatchObject([{ level: 'error', connId: expect.stringMatching(/^c\d+$/) }]);
    expect(server.stats.handlerErrors).toBe(1);
  });
});

describe('FrameServer framing violations', () => {
  it.each([
    ['ascii4', '39393939', 'FRAME_TOO_LARGE'],
    ['ascii4', '30413030', 'FRAME_BAD_HEADER'],
    ['bcd2', '0F00', 'FRAME_BAD_HEADER'],
  ] as const)('closes the connection and logs why when %s reads %s', async (framing, hex, code) => {
    const log = new CaptureLogger();
    const { server, port } = await startServer(cleanup, () => null, { framing, logger: log });
    const closed = once(server, 'close');
    const peer = await RawPeer.connect(port, cleanup);
    peer.write(hex);
    const [, reason, err] = await closed;
    expect(reason).toBe('framing-error');
    expect(err).toBeInstanceOf(FramingError);
    expect(err).toMatchObject({ code, offset: 0 });
    await peer.closed();
    expect(log.events('frame.error')).toMatchObject([{ level: 'warn', err: { code, offset: 0, framing }, connId: expect.any(String) }]);
    expect(log.events('conn.close')).toMatchObject([{ level: 'info', reason: 'framing-error', err: { code } }]);
  });
});

describe('FrameServer.endConnection', () => {
  it('ends one connection once its answer in flight is written, logged as local, and leaves the others open', async () => {
    const log = new CaptureLogger();
    let server: FrameServer | null = null;
    const { server: started, port } = await startServer(cleanup, async (frame, ctx) => {
      await Promise.resolve(); // answered later, as the switch does
      if (frame.toString('latin1') === 'END') server!.endConnection(ctx);
      return Buffer.from(`re:${frame.toString('latin1')}`);
    }, { framing: 'ascii4', logger: log });
    server = started;
    const [ending, staying] = [await RawPeer.connect(port, cleanup), await RawPeer.connect(port, cleanup)];
    ending.write(Buffer.from('0003END', 'latin1'));
    await ending.closed();
    expect(ending.received.toString('latin1')).toBe('0006re:END');
    staying.write(Buffer.from('0002hi', 'latin1'));
    await staying.until(9);
    expect(staying.received.toString('latin1')).toBe('0005re:hi');
    await until(() => log.events('conn.close').length === 1, 'conn.close');
    expect(log.events('conn.close')[0]).toMatchObject({ reason: 'local', framesOut: 1 });
    const stranger: ConnectionContext = { connId: 'c99', remoteAddress: '127.0.0.1', remotePort: 1, remote: '127.0.0.1:1', localAddress: '127.0.0.1', localPort: 2, tpdu: null, log };
    server.endConnection(stranger); // not one of its connections: nothing happens
    expect(server.connectionCount).toBe(1);
  });
});
