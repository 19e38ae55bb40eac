// IsoClient: one persistent outbound link carrying many requests at once, each matched to its
// response by key; timeouts on one sweeping timer; reconnect with backoff; optional sign-on and
// echo. Decodes with an injected Codec; never decides a transaction's outcome.

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { isResponseMti, specVersion, type IsoMessage, type SpecVersion } from '../codec/index.js';
import { ConfigError, type BucketHistogram, type ClockTimer, type Logger, type PeerEndpoint } from '../common/index.js';
import {
  Backoff, clientTls, Connection, ConnectionError, dial, sweepIntervalMs, TimeoutError, TPDU_BYTES, tpduNumber,
  type ClientTls, type CloseReason, type ConnectionOwner, type TlsClientOptions,
} from '../transport/index.js';
import { resolveClientOptions, type ClientEvents, type ClientOptions, type ClientStats, type Endpoint, type LinkState, type ResolvedClientOptions } from './client-options.js';
import { missingFields } from './match-key.js';
import { isNetworkAccepted, networkRequest, type NetworkAction } from './network.js';
import { PendingRequest, PendingRequests } from './pending-requests.js';
import { StanCounter } from './stan-counter.js';

const address = (e: Endpoint): string => `${e.host}:${e.port}`;

export class IsoClient extends EventEmitter<ClientEvents> implements ConnectionOwner {
  readonly options: ResolvedClientOptions;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #stan = new StanCounter();
  readonly #pending = new PendingRequests();
  readonly #stats: ClientStats = { sent: 0, matched: 0, timedOut: 0, unmatched: 0, undecodable: 0, linkUps: 0, linkDowns: 0 };
  #state: LinkState = 'idle';
  #conn: Connection | null = null;
  #dialing: Socket | null = null;
  #failures = 0;
  #nextId = 1;
  #retryTimer: ClockTimer | null = null;
  #sweepTimer: ClockTimer | null = null;
  #isEchoInFlight = false;
  #upWaiters: Array<[() => void, (err: Error) => void]> = [];
  #closeWaiter: (() => void) | null = null;
  #closing: Promise<void> | null = null;
  /** Index of the endpoint dialled next (or connected to). */
  #endpoint = 0;
  /** The edition of the codec's spec: which network-management messages the link sends (0800 or 1804). */
  readonly #version: SpecVersion;
  /** Where answered requests' round trips go (seconds); null: not measured. */
  #roundTrips: BucketHistogram | null = null;
  /** The endpoint of the connection open now, made once per connection; null when none is. */
  #peer: PeerEndpoint | null = null;
  /** The TLS side each dial uses: options.tls until reloadTls() replaces it; null: plain TCP. */
  #tls: ClientTls | null;

  /** @throws ConfigError naming the first invalid option. Does not connect: call connect(). */
  constructor(options: ClientOptions) {
    super();
    this.options = resolveClientOptions(options);
    this.#version = specVersion(this.options.codec.spec);
    this.#log = this.options.logger.child({ link: this.options.name, peer: this.options.endpoints.map(address).join(',') });
    this.#backoff = new Backoff(this.options.reconnect, this.options.random);
    this.#tls = this.options.tls;
  }

  /**
   * New TLS files for the link (PEM bytes, as the `tls` option): the next connection (a reconnect,
   * a failover) uses them; the one up keeps its own. Nothing changes when they are not usable.
   * @throws ConfigError naming client.tls.ca, .cert, .key or .serverName (the reason, never the
   *   bytes), or client.tls for a link that speaks plain TCP.
   */
  reloadTls(tls: TlsClientOptions): void {
    if (this.#tls === null) throw new ConfigError('client.tls', 'this link speaks plain TCP: there is nothing to reload');
    this.#tls = clientTls(tls, 'client.tls');
  }

  get state(): LinkState {
    return this.#state;
  }

  get isUp(): boolean {
    return this.#state === 'up';
  }

  /** The endpoint the link is connected to now (as configured, and the address reached); null when not connected. */
  get endpoint(): PeerEndpoint | null {
    return this.#peer;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  get stats(): ClientStats {
    return { ...this.#stats };
  }

  /** From now on, counts the round trip of each answered request (sign-ons and echoes too) in `histogram`, in seconds. */
  measureRoundTrips(histogram: BucketHistogram): void {
    this.#roundTrips = histogram;
  }

  /**
   * Starts the link (and keeps it up, reconnecting with backoff) and resolves once it is up,
   * signed on when `hasSignOn`.
   * @throws ConnectionError LINK_CONNECT_FAILED after reconnect.maxAttempts failures; LINK_CLOSED
   *   when close() is called first.
   */
  connect(): Promise<void> {
    if (this.#state === 'up') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(new ConnectionError('LINK_CLOSED', 'the client is closed'));
    const up = new Promise<void>((resolve, reject) => this.#upWaiters.push([resolve, reject]));
    if (this.#state === 'idle') {
      const o = this.options;
      this.#sweepTimer ??= o.clock.setInterval(this.#sweep, Math.min(o.timeoutPrecisionMs, sweepIntervalMs(o.requestTimeoutMs, o.echoIntervalMs, o.frameTimeoutMs)));
      this.#dial();
    }
    return up;
  }

  /**
   * Sends `msg` and resolves with the response whose key matches (a detached copy, yours to keep).
   * @throws (rejects) ConnectionError LINK_DOWN when the link is down or drops before the answer,
   *   LINK_CLOSED, LINK_BUSY, REQUEST_NO_KEY, REQUEST_DUPLICATE_KEY; TimeoutError REQUEST_TIMEOUT;
   *   EncodeError / FramingError when the message cannot be framed.
   */
  request(msg: IsoMessage): Promise<IsoMessage> {
    if (this.#state !== 'up') {
      const code = this.#state === 'closed' ? 'LINK_CLOSED' : 'LINK_DOWN';
      return Promise.reject(new ConnectionError(code, `the link is ${this.#state}`));
    }
    return this.#send(msg);
  }

  /**
   * Closes the link: signs off first when it signed on and is up (waiting at most the request
   * timeout for the answer), then waiting requests fail with LINK_CLOSED and no reconnect follows.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#state === 'closed') return;
    if (this.#state === 'up' && this.options.hasSignOn) {
      await this.#network('signOff').then(
        (res) => this.#log.info({ evt: 'link.signed_off', accepted: isNetworkAccepted(res, this.#version) }, 'signed off'),
        (err: Error) => this.#log.warn({ evt: 'link.sign_off_failed', err: { code: (err as { code?: string }).code, message: err.message } }, 'sign-off not answered'),
      );
      if ((this.#state as LinkState) === 'closed') return;
    }
    this.#state = 'closed';
    this.#retryTimer?.clear();
    this.#sweepTimer?.clear();
    this.#dialing?.destroy();
    this.#failAll('LINK_CLOSED', 'the client was closed', null);
    for (const [, reject] of this.#upWaiters.splice(0)) reject(new ConnectionError('LINK_CLOSED', 'the client was closed'));
    const conn = this.#conn;
    if (conn !== null && !conn.isClosed) {
      await new Promise<void>((resolve) => {
        this.#closeWaiter = resolve;
        conn.close('local');
      });
    }
    this.#log.info({ evt: 'link.closed' }, 'link closed');
  }

  /** Sends the network-management request for `action` in the link's edition. */
  #network(action: NetworkAction): Promise<IsoMessage> {
    return this.#send(networkRequest(action, this.#stan.next(), new Date(), this.#version));
  }

  #send(msg: IsoMessage): Promise<IsoMessage> {
    const o = this.options;
    let key: string | null;
    let frame: Buffer;
    try {
      key = o.keyOf(msg);
      if (key === null) {
        return Promise.reject(new ConnectionError('REQUEST_NO_KEY', `the request lacks key field(s) ${missingFields(msg, o.keyFields).join(', ') || '(per keyOf)'}`));
      }
      if (this.#pending.has(key)) return Promise.reject(new ConnectionError('REQUEST_DUPLICATE_KEY', 'a request with the same key is in flight'));
      if (this.#pending.size >= o.maxInFlight) return Promise.reject(new ConnectionError('LINK_BUSY', `${o.maxInFlight} requests already in flight`));
      const conn = this.#conn!;
      frame = o.codec.pack(msg, conn.encoder.headroom);
      const tpdu = msg.header !== null && msg.header.length === TPDU_BYTES ? tpduNumber(msg.header, 0) : o.tpdu;
      conn.encoder.frameInPlace(frame, tpdu);
    } catch (err) {
      return Promise.reject(err);
    }
    const k = key;
    return new Promise<IsoMessage>((resolve, reject) => {
      this.#pending.add(k, new PendingRequest(resolve, reject, o.clock.now() + o.requestTimeoutMs));
      this.#stats.sent++;
      this.#conn!.sendFrame(frame);
    });
  }

  #dial(): void {
    const o = this.options;
    this.#state = 'connecting';
    const at = o.endpoints[this.#endpoint];
    this.#dialing = dial({ host: at.host, port: at.port, connectTimeoutMs: o.connectTimeoutMs, clock: o.clock, tls: this.#tls }, (socket) => {
      this.#dialing = null;
      if (this.#state === 'closed') return void socket.destroy();
      this.#conn = new Connection(socket, `${o.name}-${this.#nextId++}`, this, o.connection, o.clock, this.#log);
      this.#peer = Object.freeze({ host: at.host, port: at.port, peerAddress: socket.remoteAddress ?? null, peerPort: socket.remotePort ?? null });
      if (o.hasSignOn) this.#signOn();
      else this.#up();
    }, (err) => {
      this.#dialing = null;
      this.#log.debug({ evt: 'link.connect-failed', endpoint: address(at), err: { code: (err as NodeJS.ErrnoException).code, message: err.message } }, 'connect failed');
      this.#retry(err);
    });
  }

  #signOn(): void {
    this.#state = 'signing-on';
    const conn = this.#conn!;
    this.#network('signOn').then(
      (res) => {
        const rc = res.get(39);
        if (isNetworkAccepted(res, this.#version)) this.#up();
        else conn.close('local', new ConnectionError('LINK_SIGN_ON_FAILED', `sign-on answered with DE 39 ${typeof rc === 'string' ? rc : 'absent'}`));
      },
      (err: Error) => conn.close('local', new ConnectionError('LINK_SIGN_ON_FAILED', `sign-on failed: ${err.message}`, { cause: err })),
    );
  }

  #up(): void {
    this.#state = 'up';
    this.#failures = 0;
    this.#backoff.reset();
    this.#stats.linkUps++;
    this.#log.info({ evt: 'link.up', connId: this.#conn?.connId, endpoint: address(this.options.endpoints[this.#endpoint]), isSignedOn: this.options.hasSignOn }, 'link up');
    for (const [resolve] of this.#upWaiters.splice(0)) resolve();
    this.emit('up');
  }

  /** The next dial goes to the next endpoint, when there are several (after the last, the first). */
  #failover(): void {
    const list = this.options.endpoints;
    if (list.length < 2) return;
    const from = list[this.#endpoint];
    this.#endpoint = (this.#endpoint + 1) % list.length;
    this.#log.info({ evt: 'link.failover', from: address(from), to: address(list[this.#endpoint]) }, 'trying the next endpoint');
  }

  #retry(cause: Error | null): void {
    if (this.#state === 'closed') return;
    this.#failures++;
    this.#failover();
    const max = this.options.reconnect.maxAttempts;
    if (max > 0 && this.#failures >= max) {
      this.#state = 'idle';
      this.#sweepTimer?.clear();
      this.#sweepTimer = null;
      this.#log.warn({ evt: 'link.gave-up', attempts: this.#failures }, 'link not established; giving up');
      const err = new ConnectionError('LINK_CONNECT_FAILED', `no link after ${this.#failures} attempt(s)`, { cause });
      for (const [, reject] of this.#upWaiters.splice(0)) reject(err);
      return;
    }
    const delayMs = this.#backoff.next();
    this.#state = 'waiting';
    const why = cause === null ? undefined : { code: (cause as { code?: string }).code, message: cause.message };
    this.#log.info({ evt: 'link.retry', delayMs, attempt: this.#failures, err: why }, 'reconnecting after backoff');
    this.#retryTimer = this.options.clock.setTimeout(() => {
      this.#retryTimer = null;
      if (this.#state === 'waiting') this.#dial();
    }, delayMs);
  }

  /** HOT (ConnectionOwner): decode, match, settle. Nothing here closes the link. */
  onFrame(conn: Connection, buf: Buffer, start: number, end: number): void {
    const o = this.options;
    let msg: IsoMessage;
    try {
      msg = o.codec.unpack(buf, start, end);
    } catch (err) {
      this.#stats.undecodable++;
      const e = err as { code?: string; field?: unknown; offset?: number; message?: string };
      // Offsets relative to the message, so they read the same whatever the chunking.
      this.#log.warn({ evt: 'frame.undecodable', bytes: end - start, err: { code: e.code, field: e.field, offset: typeof e.offset === 'number' ? e.offset - start : undefined } }, 'frame does not decode; link kept');
      return;
    }
    if (o.header === 'tpdu') msg.header = Buffer.copyBytesFrom(buf, start - TPDU_BYTES, TPDU_BYTES);
    if (!isResponseMti(msg.mti)) return this.#answerPeer(conn, msg);
    let key: string | null = null;
    try {
      key = o.keyOf(msg);
    } catch {
      key = null;
    }
    const pending = key === null ? undefined : this.#pending.take(key);
    if (pending === undefined) return this.#unmatched(msg, key);
    this.#stats.matched++;
    // Every request of a client has the same timeout: it was sent requestTimeoutMs before its deadline.
    if (this.#roundTrips !== null) this.#roundTrips.observe((o.clock.now() - pending.deadline + o.requestTimeoutMs) / 1000);
    pending.resolve(msg.detach());
  }

  #unmatched(msg: IsoMessage, key: string | null): void {
    this.#stats.unmatched++;
    const missing = missingFields(msg, this.options.keyFields);
    const timedOutAt = key === null ? undefined : this.#pending.timedOutAt(key);
    const reason = key === null ? 'missing-key-fields' : timedOutAt !== undefined ? 'late' : 'no-pending-request';
    const lateByMs = timedOutAt === undefined ? undefined : Math.round(this.options.clock.now() - timedOutAt);
    this.#log.warn({ evt: 'link.unmatched', reason, mti: msg.mti, missing, lateByMs, pending: this.#pending.size }, `response matches no request: ${reason}`);
    if (lateByMs !== undefined) this.emit('late', msg.detach(), lateByMs);
  }

  #answerPeer(conn: Connection, req: IsoMessage): void {
    let res: IsoMessage | null = null;
    try {
      res = this.options.onRequest(req);
      if (res === null) {
        this.#log.warn({ evt: 'link.unsolicited', mti: req.mti }, 'request from the peer left unanswered');
        return;
      }
      const frame = this.options.codec.pack(res, conn.encoder.headroom);
      conn.encoder.frameInPlace(frame, req.header !== null ? tpduNumber(req.header, 0) : this.options.tpdu);
      conn.sendFrame(frame);
    } catch (err) {
      this.#log.error({ evt: 'link.answer-failed', mti: req.mti, err: { code: (err as { code?: string }).code } }, 'could not answer the peer');
    }
  }

  /** ConnectionOwner: the link dropped. Fail what waits on it, then reconnect unless closed. */
  onClose(conn: Connection, reason: CloseReason, error: Error | null): void {
    if (this.#conn !== conn) return;
    this.#conn = null;
    this.#peer = null;
    this.#isEchoInFlight = false;
    const wasUp = this.#state === 'up';
    this.#failAll('LINK_DOWN', `the link dropped (${reason}) before the answer`, error);
    if (wasUp) {
      this.#stats.linkDowns++;
      this.#log.warn({ evt: 'link.down', reason, err: error === null ? undefined : { code: (error as { code?: string }).code, message: error.message } }, `link down: ${reason}`);
      this.emit('down', reason);
    }
    if (this.#state === 'closed') {
      this.#closeWaiter?.();
      this.#closeWaiter = null;
      return;
    }
    this.#retry(error);
  }

  #failAll(code: 'LINK_DOWN' | 'LINK_CLOSED', message: string, cause: Error | null): void {
    this.#pending.failAll(() => new ConnectionError(code, message, cause === null ? undefined : { cause }));
  }

  // One timer for every request timeout, the frame timeout and the echo.
  readonly #sweep = (): void => {
    const o = this.options;
    const now = o.clock.now();
    this.#stats.timedOut += this.#pending.expire(now, () => new TimeoutError('REQUEST_TIMEOUT', `no response within ${o.requestTimeoutMs} ms`, o.requestTimeoutMs));
    const conn = this.#conn;
    if (conn === null) return;
    conn.sweep(now);
    if (this.#state === 'up' && o.echoIntervalMs > 0 && !this.#isEchoInFlight && now - conn.lastByteAt >= o.echoIntervalMs) this.#echo(conn);
  };

  #echo(conn: Connection): void {
    this.#isEchoInFlight = true;
    this.#network('echo').then(
      () => {
        this.#isEchoInFlight = false;
      },
      (err: Error) => {
        this.#isEchoInFlight = false;
        if (this.#conn === conn && (err as TimeoutError).code === 'REQUEST_TIMEOUT') {
          conn.close('local', new ConnectionError('LINK_DOWN', 'echo test not answered', { cause: err }));
        }
      },
    );
  }
}
