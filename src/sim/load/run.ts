// LoadRun: the load generator. N closed-loop terminal connections, paced by one token bucket
// (or flat out), until a duration or a count; timeouts swept by one timer. No console, files or env.

import type { Codec } from '../../codec/index.js';
import { ConfigError, SYSTEM_CLOCK, type Clock, type ClockTimer } from '../../common/index.js';
import { Sweeper, sweepIntervalMs, type ClientTls, type FrameHeader, type Framing } from '../../transport/index.js';
import { TokenBucket } from './bucket.js';
import { LoadConnection, type LoadOwner } from './connection.js';
import { mixSchedule, type LoadKind } from './mix.js';
import { LoadStats, type LoadSnapshot, type LoadSummary } from './stats.js';
import { connectionTemplates } from './templates.js';

export interface LoadOptions {
  host: string;
  port: number;
  codec: Codec;
  framing: Framing;
  header: FrameHeader;
  /** Terminal connections, each with one request outstanding at a time. */
  connections: number;
  /** Target total requests per second across connections; 0 = as fast as answers come. */
  ratePerSecond: number;
  /** Stop sending after this long, ms; 0 = no time limit (then `count` must be set). */
  durationMs: number;
  /** Stop after sending this many requests; 0 = no count limit. */
  count: number;
  /** Relative weights of the message kinds. */
  mix: Readonly<Record<LoadKind, number>>;
  /** PANs used in turn by auth and purchase requests. */
  cards: readonly string[];
  /** A request unanswered this long counts as a timeout and its connection reconnects, ms. */
  timeoutMs: number;
  clock: Clock;
  /** Connect over TLS, every connection with this one context; null: plain TCP. */
  tls: ClientTls | null;
}

export const DEFAULT_LOAD_OPTIONS = Object.freeze({
  host: '127.0.0.1', port: 8583, framing: 'ascii4', header: 'none', connections: 10, ratePerSecond: 0,
  durationMs: 10_000, count: 0, mix: Object.freeze({ auth: 100, purchase: 0, echo: 0 }), timeoutMs: 5000, clock: SYSTEM_CLOCK, tls: null,
} as const);

/** The most connections one run opens. */
export const MAX_LOAD_CONNECTIONS = 10_000;

/** Pause before a connection that was up reconnects (after a timeout or a dropped socket), ms. */
const RECONNECT_MS = 50;

function check(o: LoadOptions): void {
  const int = (path: string, v: number, min: number, max: number): void => {
    if (!Number.isInteger(v) || v < min || v > max) throw new ConfigError(path, `expected an integer in ${min}..${max} (got ${v})`);
  };
  int('connections', o.connections, 1, MAX_LOAD_CONNECTIONS);
  int('port', o.port, 1, 65_535);
  int('count', o.count, 0, Number.MAX_SAFE_INTEGER);
  int('durationMs', o.durationMs, 0, 7 * 86_400_000);
  int('timeoutMs', o.timeoutMs, 1, 3_600_000);
  if (!(o.ratePerSecond >= 0 && Number.isFinite(o.ratePerSecond))) throw new ConfigError('rate', `expected a number of requests per second >= 0 (got ${o.ratePerSecond})`);
  if (o.durationMs === 0 && o.count === 0) throw new ConfigError('duration', 'give a duration or a count, or the run never ends');
  if (o.cards.length === 0) throw new ConfigError('cards', 'expected at least one card number');
}

export class LoadRun implements LoadOwner {
  readonly #o: LoadOptions;
  readonly #stats = new LoadStats();
  readonly #conns: LoadConnection[] = [];
  readonly #sweeper: Sweeper;
  readonly #bucket: TokenBucket | null;
  /** Connections waiting for a token, first come first served. */
  readonly #waiting: LoadConnection[] = [];
  #wakeTimer: ClockTimer | null = null;
  #stopTimer: ClockTimer | null = null;
  #startedAt = 0;
  #endedAt = 0;
  #isStopping = false;
  #dead = 0;
  #done: ((s: LoadSummary) => void) | null = null;

  /**
   * Builds every connection's templates (no sockets yet).
   * @throws ConfigError on an option out of range; EncodeError when the spec cannot encode a request.
   */
  constructor(options: LoadOptions) {
    check(options);
    this.#o = options;
    const schedule = mixSchedule(options.mix);
    this.#sweeper = new Sweeper(options.clock, sweepIntervalMs(options.timeoutMs));
    this.#bucket = options.ratePerSecond > 0 ? new TokenBucket(options.ratePerSecond, options.clock.now()) : null;
    const templateOptions = { codec: options.codec, framing: options.framing, header: options.header };
    for (let i = 0; i < options.connections; i++) {
      this.#conns.push(new LoadConnection(i, connectionTemplates(i, options.cards, templateOptions), this, { ...options, schedule, cardCount: options.cards.length }));
    }
  }

  /** Connects every terminal and runs; resolves with the summary once stopped and drained. */
  run(): Promise<LoadSummary> {
    return new Promise((resolve) => {
      this.#done = resolve;
      this.#startedAt = this.#o.clock.now();
      if (this.#o.durationMs > 0) this.#stopTimer = this.#o.clock.setTimeout(() => this.stop(), this.#o.durationMs);
      for (const c of this.#conns) {
        this.#sweeper.add(c);
        c.connect();
      }
    });
  }

  /** Stops sending; the run ends when every outstanding request is answered or timed out. */
  stop(): void {
    if (this.#isStopping) return;
    this.#isStopping = true;
    this.#endedAt = this.#o.clock.now();
    this.#waiting.length = 0;
    this.#maybeFinish();
  }

  snapshot(): LoadSnapshot {
    return this.#stats.snapshot(this.#o.clock.now() - this.#startedAt);
  }

  /** HOT: a connection is idle; send now, queue it for a token, or let it rest when stopping. */
  ready(conn: LoadConnection): void {
    if (this.#isStopping) return this.#maybeFinish();
    const o = this.#o;
    if (o.count > 0 && this.#stats.sent >= o.count) return this.stop();
    if (this.#bucket !== null && (this.#waiting.length > 0 || !this.#bucket.take(o.clock.now()))) {
      this.#waiting.push(conn);
      this.#scheduleWake();
      return;
    }
    this.#stats.sent++;
    conn.send();
  }

  answered(latencyUs: number, rc: string): void {
    this.#stats.answered(latencyUs, rc);
  }

  timedOut(): void {
    this.#stats.timeouts++;
  }

  failed(err: Error): void {
    this.#stats.failed(err);
  }

  closed(conn: LoadConnection, hadConnected: boolean): void {
    const i = this.#waiting.indexOf(conn);
    if (i >= 0) this.#waiting.splice(i, 1);
    if (this.#done === null) return;
    if (hadConnected) {
      if (this.#o.count > 0 && this.#stats.sent >= this.#o.count) this.stop();
      if (this.#isStopping) return this.#maybeFinish();
      this.#o.clock.setTimeout(() => {
        if (this.#done !== null && !this.#isStopping) conn.connect();
      }, RECONNECT_MS);
      return;
    }
    // Never connected: this terminal is out of the run. Without any terminal left, the run is over.
    this.#sweeper.delete(conn);
    if (++this.#dead === this.#conns.length) this.stop();
    else this.#maybeFinish();
  }

  #scheduleWake(): void {
    if (this.#wakeTimer !== null) return;
    const waitMs = this.#bucket!.msUntilNext(this.#o.clock.now());
    this.#wakeTimer = this.#o.clock.setTimeout(this.#wake, Math.max(1, waitMs));
  }

  readonly #wake = (): void => {
    this.#wakeTimer = null;
    const now = this.#o.clock.now();
    while (this.#waiting.length > 0 && !this.#isStopping) {
      if (this.#o.count > 0 && this.#stats.sent >= this.#o.count) return this.stop();
      if (!this.#bucket!.take(now)) break;
      this.#stats.sent++;
      this.#waiting.shift()!.send();
    }
    if (this.#waiting.length > 0 && !this.#isStopping) this.#scheduleWake();
  };

  #maybeFinish(): void {
    if (!this.#isStopping || this.#done === null) return;
    for (const c of this.#conns) if (c.isInFlight) return;
    const done = this.#done;
    this.#done = null;
    this.#stopTimer?.clear();
    this.#wakeTimer?.clear();
    this.#sweeper.stop();
    for (const c of this.#conns) c.close();
    done(this.#stats.summary(Math.max(this.#endedAt, this.#o.clock.now()) - this.#startedAt));
  }
}

/** Runs a load test with `options` (defaults for the rest); resolves with its summary. */
export function runLoad(options: Partial<LoadOptions> & Pick<LoadOptions, 'codec' | 'cards'>): Promise<LoadSummary> {
  return new LoadRun({ ...DEFAULT_LOAD_OPTIONS, ...options }).run();
}
