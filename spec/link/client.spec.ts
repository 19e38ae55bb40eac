import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinCodec, IsoMessage } from '../../src/codec/index.js';
import { ConfigError } from '../../src/common/index.js';
import { IsoClient } from '../../src/link/index.js';
import { ConnectionError, FrameServer, TimeoutError } from '../../src/transport/index.js';
import { CaptureLogger } from '../transport/helpers/capture-logger.js';
import { ManualClock } from '../transport/helpers/manual-clock.js';
import { until } from '../transport/helpers/servers.js';
import { Cleanup } from '../transport/helpers/sockets.js';
import { makeClient } from './helpers/clients.js';
import { answerOf, auth, CODEC, startIssuer } from './helpers/issuer.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('IsoClient matching', () => {
  it('matches responses to requests by key when the issuer answers out of order', async () => {
    const held: Array<[IsoMessage, (m: IsoMessage) => void]> = [];
    const issuer = await startIssuer(cleanup, (req) => new Promise((resolve) => held.push([req, resolve])));
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port });
    await client.connect();
    const answers = ['000001', '000002', '000003'].map((stan) => client.request(auth(stan)));
    await until(() => held.length === 3, 'three requests at the issuer');
    for (const [req, resolve] of held.reverse()) resolve(answerOf(req, req.get(11) === '000002' ? '05' : '00'));
    const res = await Promise.all(answers);
    expect(res.map((m) => [m.mti, m.get(11), m.get(39)])).toEqual([['0110', '000001', '00'], ['0110', '000002', '05'], ['0110', '000003', '00']]);
    expect(client.pendingCount).toBe(0);
    expect(client.stats).toMatchObject({ sent: 3, matched: 3, unmatched: 0 });
  });

  it('carries 500 requests at once on one link', async () => {
    const issuer = await startIssuer(cleanup);
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port });
    await client.connect();
    const res = await Promise.all(Array.from({ length: 500 }, (_, i) => client.request(auth(String(i + 1).padStart(6, '0')))));
    expect(res.map((m) => m.get(11))).toEqual(Array.from({ length: 500 }, (_, i) => String(i + 1).padStart(6, '0')));
  });

  it('logs a response that matches nothing, with the reason, and keeps the link', async () => {
    const log = new CaptureLogger();
    const issuer = await startIssuer(cleanup, (req) => {
      if (req.get(11) === '000001') return answerOf(req).set(11, '999999'); // a STAN nobody asked for
      if (req.get(11) === '000002') return answerOf(req).unset(11).unset(41); // no key fields at all
      return answerOf(req);
    });
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, logger: log, requestTimeoutMs: 60_000 });
    await client.connect();
    void client.request(auth('000001')).catch(() => {});
    void client.request(auth('000002')).catch(() => {});
    await until(() => log.events('link.unmatched').length === 2, 'two unmatched responses');
    expect(log.events('link.unmatched')).toEqual([
      expect.objectContaining({ level: 'warn', reason: 'no-pending-request', mti: '0110', missing: [], pending: 2, link: 'link' }),
      expect.objectContaining({ level: 'warn', reason: 'missing-key-fields', mti: '0110', missing: [41, 11] }),
    ]);
    expect((await client.request(auth('000003'))).get(39)).toBe('00');
    expect(client.isUp).toBe(true);
  });

  it('logs a frame that does not decode, with the reason, and keeps the link', async () => {
    const log = new CaptureLogger();
    const issuer = await startIssuer(cleanup, (req) => (req.get(11) === '000001' ? Buffer.from('01X0', 'latin1') : answerOf(req)));
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, logger: log });
    await client.connect();
    void client.request(auth('000001')).catch(() => {});
    await until(() => log.events('frame.undecodable').length === 1, 'the undecodable frame');
    expect(log.events('frame.undecodable')).toMatchObject([{ level: 'warn', bytes: 4, err: { code: 'CODEC_BAD_MTI', field: 'mti', offset: 0 } }]);
    expect(JSON.stringify(log.lines)).not.toContain('01X0');
    expect((await client.request(auth('000002'))).get(11)).toBe('000002');
  });

  it('rejects at once, without sending, when a request lacks its key or repeats one in flight', async () => {
    const issuer = await startIssuer(cleanup, () => new Promise(() => {}));
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port });
    await client.connect();
    await expect(client.request(new IsoMessage('0100').set(41, 'TERM0001'))).rejects.toMatchObject({ name: 'ConnectionError', code: 'REQUEST_NO_KEY', message: 'the request lacks key field(s) 11' });
    void client.request(auth('000001')).catch(() => {});
    await expect(client.request(auth('000001'))).rejects.toMatchObject({ code: 'REQUEST_DUPLICATE_KEY' });
    await expect(client.request(new IsoMessage('01x0').set(11, '000002'))).rejects.toMatchObject({ name: 'EncodeError', code: 'CODEC_MISSING_MTI' });
  });
});

describe('IsoClient timeouts (manual clock)', () => {
  it('fails a request with REQUEST_TIMEOUT and logs its late response as late', async () => {
    const clock = new ManualClock();
    const log = new CaptureLogger();
    let release: (() => void) | undefined;
    const issuer = await startIssuer(cleanup, (req) => new Promise((resolve) => (release = () => resolve(answerOf(req)))));
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, clock, logger: log, requestTimeoutMs: 5_000 });
    await client.connect();
    const pending = client.request(auth('000001')).catch((e: unknown) => e);
    await until(() => release !== undefined, 'the request at the issuer');
    clock.advance(4_000);
    expect(client.pendingCount).toBe(1);
    clock.advance(1_500);
    const err = await pending;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'REQUEST_TIMEOUT', timeoutMs: 5_000, message: 'no response within 5000 ms' });
    clock.advance(700);
    release!();
    await until(() => log.events('link.unmatched').length === 1, 'the late response');
    expect(log.events('link.unmatched')).toMatchObject([{ reason: 'late' }]);
    expect(log.events('link.unmatched')[0].lateByMs).toBeGreaterThanOrEqual(700);
    expect(client.stats).toMatchObject({ timedOut: 1, unmatched: 1 });
  });

  it('fails a request within timeoutPrecisionMs of its timeout, and hands its late answer to listeners', async () => {
    const clock = new ManualClock();
    let release: (() => void) | undefined;
    const issuer = await startIssuer(cleanup, (req) => new Promise((resolve) => (release = () => resolve(answerOf(req)))));
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, clock, requestTimeoutMs: 2_000, timeoutPrecisionMs: 25 });
    const late: Array<[string | undefined, number]> = [];
    client.on('late', (res, lateByMs) => late.push([res.get(11) as string | undefined, lateByMs]));
    await client.connect();
    clock.advance(110); // the request's timeout, 2110, falls between two default checks (2000 and 2500)
    const pending = client.request(auth('000042')).catch((e: unknown) => e);
    await until(() => release !== undefined, 'the request at the issuer');
    clock.advance(2_000 + 25);
    expect(await pending).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    clock.advance(300);
    release!();
    await until(() => late.length === 1, 'the late answer');
    expect(late[0][0]).toBe('000042');
    expect(late[0][1]).toBeGreaterThanOrEqual(300);
  });

  it('checks timeouts a quarter of the shortest timeout apart by default (up to once a second)', async () => {
    const clock = new ManualClock();
    const issuer = await startIssuer(cleanup, () => new Promise(() => {}));
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, clock, requestTimeoutMs: 2_000 });
    await client.connect();
    clock.advance(100); // the checks run at 500, 1000, ... ms: this request's timeout, 2100, falls between two
    const pending = client.request(auth('000043')).catch((e: unknown) => e);
    await until(() => issuer.received.length === 1, 'the request at the issuer');
    clock.advance(2_000 + 25);
    expect(client.pendingCount).toBe(1);
    clock.advance(400);
    expect(await pending).toMatchObject({ code: 'REQUEST_TIMEOUT' });
  });

  it('sends an echo (0800, DE 70 = 301) when nothing arrived for echoIntervalMs', async () => {
    const clock = new ManualClock();
    const issuer = await startIssuer(cleanup);
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, clock, echoIntervalMs: 60_000 });
    await client.connect();
    clock.advance(59_000);
    expect(issuer.received).toEqual([]);
    clock.advance(1_000);
    await until(() => issuer.received.length === 1, 'the echo');
    expect(issuer.received[0].mti).toBe('0800');
    expect(issuer.received[0].get(70)).toBe('301');
    expect(issuer.received[0].get(7)).toMatch(/^\d{10}$/);
    await until(() => client.stats.matched === 1, 'the echo answer');
    expect(client.isUp).toBe(true);
  });

  it('drops and re-establishes the link when an echo is not answered', async () => {
    const clock = new ManualClock();
    const issuer = await startIssuer(cleanup, () => null);
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, clock, echoIntervalMs: 10_000, requestTimeoutMs: 2_000 });
    await client.connect();
    const down = once(client, 'down');
    clock.advance(10_000);
    await until(() => issuer.received.length === 1, 'the echo');
    clock.advance(3_000);
    expect(await down).toEqual(['local']);
  });
});

describe('IsoClient link', () => {
  it('rejects with LINK_DOWN at once when the link is not up', async () => {
    const client = new IsoClient({ codec: CODEC, port: 1 });
    await expect(client.request(auth('000001'))).rejects.toMatchObject({ name: 'ConnectionError', code: 'LINK_DOWN' });
  });

  it('fails in-flight requests fast with LINK_DOWN when the link drops, and reconnects after the server restarts', async () => {
    const log = new CaptureLogger();
    let issuer = await startIssuer(cleanup, () => new Promise(() => {}));
    const port = issuer.port;
    const client = makeClient(cleanup, { codec: CODEC, port, logger: log, reconnect: { initialMs: 10, maxMs: 50, jitter: 0.5 } });
    await client.connect();
    const inFlight = client.request(auth('000001')).catch((e: unknown) => e);
    await until(() => issuer.received.length === 1, 'the request at the issuer');
    const down = once(client, 'down');
    await issuer.close();
    const err = await inFlight;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: 'LINK_DOWN' });
    await down;
    expect(client.isUp).toBe(false);
    await expect(client.request(auth('000002'))).rejects.toMatchObject({ code: 'LINK_DOWN' });
    issuer = await startIssuer(cleanup, undefined, { port });
    await once(client, 'up');
    expect((await client.request(auth('000003'))).get(39)).toBe('00');
    expect(log.events('link.down')).toMatchObject([{ level: 'warn' }]);
    expect(log.events('link.retry').length).toBeGreaterThan(0);
    expect(client.stats).toMatchObject({ linkUps: 2, linkDowns: 1 });
  });

  it('fails over to the next endpoint when the first refuses, and back to the first when the second drops', async () => {
    const log = new CaptureLogger();
    const closed = new FrameServer(() => null, { port: 0 });
    const { port: deadPort } = await closed.listen();
    await closed.close();
    const second = await startIssuer(cleanup);
    const client = makeClient(cleanup, {
      codec: CODEC, logger: log, reconnect: { initialMs: 5, maxMs: 20 },
      endpoints: [{ host: '127.0.0.1', port: deadPort }, { host: '127.0.0.1', port: second.port }],
    });
    await client.connect();
    expect((await client.request(auth('000001'))).get(39)).toBe('00');
    expect(log.events('link.up')).toMatchObject([{ endpoint: `127.0.0.1:${second.port}` }]);
    expect(log.events('link.failover')).toMatchObject([{ from: `127.0.0.1:${deadPort}`, to: `127.0.0.1:${second.port}` }]);
    // The first endpoint comes back; the second goes away: the link returns to the first.
    const first = await startIssuer(cleanup, undefined, { port: deadPort });
    await second.close();
    await until(() => log.events('link.up').length === 2, 'the link up again');
    expect(log.events('link.up')[1]).toMatchObject({ endpoint: `127.0.0.1:${deadPort}` });
    expect((await client.request(auth('000002'))).get(39)).toBe('00');
    expect(first.received.map((m) => m.get(11))).toEqual(['000002']);
  });

  it('names the bad endpoint in its option error', () => {
    expect(() => new IsoClient({ codec: CODEC, endpoints: [{ host: '127.0.0.1', port: 9100 }, { host: '', port: 9101 }] })).toThrow(/client\.endpoints\[1\]\.host/);
    expect(() => new IsoClient({ codec: CODEC, endpoints: [{ host: 'h', port: 70000 }] })).toThrow(/client\.endpoints\[0\]\.port/);
    expect(() => new IsoClient({ codec: CODEC })).toThrow(/client\.port/);
  });

  it('gives up with LINK_CONNECT_FAILED after reconnect.maxAttempts failures', async () => {
    const { server, port } = await (async () => {
      const s = new FrameServer(() => null, { port: 0 });
      const a = await s.listen();
      await s.close();
      return { server: s, port: a.port };
    })();
    expect(server.address).toBeNull();
    const client = makeClient(cleanup, { codec: CODEC, port, reconnect: { initialMs: 1, maxMs: 2, maxAttempts: 3 } });
    const err = await client.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ConnectionError', code: 'LINK_CONNECT_FAILED', message: 'no link after 3 attempt(s)' });
    expect((err as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(client.state).toBe('idle');
  });

  it('signs on (0800, DE 70 = 001) before the link counts as up', async () => {
    const issuer = await startIssuer(cleanup);
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, hasSignOn: true });
    await client.connect();
    expect(issuer.received.map((m) => [m.mti, m.get(70)])).toEqual([['0800', '001']]);
    expect(client.isUp).toBe(true);
  });

  it('signs on with an 1804 (DE 24 = 801) on a 1993 spec, up on action code 800', async () => {
    const codec93 = builtinCodec('iso93ascii');
    const issuer = await startIssuer(cleanup, (req) => answerOf(req, '800'), {}, codec93);
    const client = makeClient(cleanup, { codec: codec93, port: issuer.port, hasSignOn: true });
    await client.connect();
    expect(issuer.received.map((m) => [m.mti, m.get(24)])).toEqual([['1804', '801']]);
    expect(client.isUp).toBe(true);
  });

  it('signs off (0800, DE 70 = 002) when closed after signing on, and not when it never signed on', async () => {
    const issuer = await startIssuer(cleanup);
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, hasSignOn: true });
    await client.connect();
    await client.close();
    expect(issuer.received.map((m) => [m.mti, m.get(70)])).toEqual([['0800', '001'], ['0800', '002']]);
    expect(client.state).toBe('closed');
    const plain = await startIssuer(cleanup);
    const other = makeClient(cleanup, { codec: CODEC, port: plain.port });
    await other.connect();
    await other.close();
    expect(plain.received).toEqual([]);
  });

  it('closes within the request timeout when the sign-off is not answered', async () => {
    const issuer = await startIssuer(cleanup, (req) => (req.get(70) === '002' ? null : answerOf(req)));
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, hasSignOn: true, requestTimeoutMs: 100 });
    await client.connect();
    await client.close();
    expect(issuer.received.map((m) => m.get(70))).toEqual(['001', '002']);
    expect(client.state).toBe('closed');
  });

  it('keeps the link down and retries when the sign-on is refused', async () => {
    const issuer = await startIssuer(cleanup, (req) => answerOf(req, '91'));
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, hasSignOn: true, reconnect: { initialMs: 1, maxMs: 1, maxAttempts: 2 } });
    const err = await client.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LINK_CONNECT_FAILED' });
    expect((err as Error).cause).toMatchObject({ code: 'LINK_SIGN_ON_FAILED', message: 'sign-on answered with DE 39 91' });
    expect(issuer.received.length).toBe(2);
  });

  it('answers a network-management request from the peer (0800 -> 0810, DE 39 = 00)', async () => {
    let peerCtx: import('../../src/transport/index.js').ConnectionContext | undefined;
    const answered: IsoMessage[] = [];
    const server = new FrameServer((frame, ctx) => {
      const m = CODEC.unpack(frame).detach();
      if (m.mti === '0810') answered.push(m);
      else if (m.mti === '0100') peerCtx = ctx;
      return m.mti === '0100' ? CODEC.pack(new IsoMessage('0800').set(7, '0101120000').set(11, '000777').set(70, '301')) : null;
    }, { port: 0 });
    cleanup.add(() => server.close());
    const { port } = await server.listen();
    const client = makeClient(cleanup, { codec: CODEC, port });
    await client.connect();
    void client.request(auth('000001')).catch(() => {});
    await until(() => answered.length === 1, 'the 0810');
    expect(peerCtx).toBeDefined();
    expect([answered[0].get(11), answered[0].get(39), answered[0].get(70)]).toEqual(['000777', '00', '301']);
  });

  it('sends its TPDU and hands back the issuer\'s swapped one when the header is tpdu', async () => {
    const issuer = await startIssuer(cleanup, undefined, { framing: 'binary2', header: 'tpdu' });
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, framing: 'binary2', header: 'tpdu', tpdu: '6000120000' });
    await client.connect();
    const res = await client.request(auth('000001'));
    expect(res.header?.toString('hex')).toBe('6000000012');
    const withOwn = auth('000002');
    withOwn.header = Buffer.from('6000340000', 'hex');
    expect((await client.request(withOwn)).header?.toString('hex')).toBe('6000000034');
  });

  it('fails waiting requests with LINK_CLOSED and stops when closed', async () => {
    const issuer = await startIssuer(cleanup, () => new Promise(() => {}));
    const client = new IsoClient({ codec: CODEC, port: issuer.port });
    await client.connect();
    const pending = client.request(auth('000001')).catch((e: unknown) => e);
    await client.close();
    expect(await pending).toMatchObject({ code: 'LINK_CLOSED' });
    await expect(client.request(auth('000002'))).rejects.toMatchObject({ code: 'LINK_CLOSED' });
    await expect(client.connect()).rejects.toMatchObject({ code: 'LINK_CLOSED' });
  });
});

describe('IsoClient options', () => {
  it.each([
    ['client.codec: expected a Codec (from src/codec)', {}],
    ['client.port: expected an integer in 1..65535, got 0', { codec: CODEC }],
    ['client.requestTimeoutMs: expected an integer in 1..86400000, got 0', { codec: CODEC, port: 1, requestTimeoutMs: 0 }],
    ['client.timeout: unknown option; it is now called requestTimeoutMs', { codec: CODEC, port: 1, timeout: 5 }],
    ['client.signOn: unknown option; it is now called hasSignOn', { codec: CODEC, port: 1, signOn: true }],
    ['client.tpdu: required with header tpdu: the TPDU to send, as 10 hex digits', { codec: CODEC, port: 1, header: 'tpdu' }],
    ['client.reconnect.maxMs: expected an integer in 100..86400000, got 10', { codec: CODEC, port: 1, reconnect: { initialMs: 100, maxMs: 10 } }],
    ['client.reconnect.jitter: expected a number in 0..1, got 2', { codec: CODEC, port: 1, reconnect: { jitter: 2 } }],
    ['client.keyFields: expected an array of DE numbers in 1..192', { codec: CODEC, port: 1, keyFields: [0] }],
  ])('throws ConfigError "%s"', (message, options) => {
    expect(() => new IsoClient(options as never)).toThrow(ConfigError);
    expect(() => new IsoClient(options as never)).toThrow(message);
  });
});
