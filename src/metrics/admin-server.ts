// AdminServer: the operator's HTTP listener, a node:http server of its own (never the terminals'
// socket): GET /metrics (Prometheus text), /healthz (alive) and /readyz (ready to take traffic,
// or why not). Anything else is a plain 404 (405 for another method on those paths); malformed
// HTTP is answered 400 by node. Never throws on a request.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../common/index.js';
import { ConnectionError } from '../transport/index.js';
import type { Readiness } from './host-metrics.js';

/** What the admin listener serves. */
export interface AdminSource {
  metricsText(): Promise<string>;
  readonly contentType: string;
  /** Synchronous for one process; a promise when the answer is gathered from workers. Never rejects. */
  readiness(): Readiness | Promise<Readiness>;
}

export interface AdminServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  source: AdminSource;
  logger: Logger;
}

const PATHS = new Set(['/metrics', '/healthz', '/readyz']);
const JSON_TYPE = 'application/json; charset=utf-8';

/** `/metrics?x` -> `/metrics`. */
function pathOf(url: string | undefined): string {
  const s = url ?? '/';
  const q = s.indexOf('?');
  return q < 0 ? s : s.slice(0, q);
}

function send(res: ServerResponse, status: number, type: string, body: string, isHead: boolean, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...extra });
  res.end(isHead ? undefined : body);
}

function sendReadiness(res: ServerResponse, r: Readiness, isHead: boolean): void {
  const body = r.isReady ? { status: 'ready' } : { status: 'not ready', reasons: r.reasons };
  send(res, r.isReady ? 200 : 503, JSON_TYPE, `${JSON.stringify(body)}\n`, isHead);
}

export class AdminServer {
  readonly #o: AdminServerOptions;
  readonly #http: Server;
  #address: { host: string; port: number } | null = null;

  constructor(options: AdminServerOptions) {
    this.#o = options;
    this.#http = createServer({ keepAliveTimeout: 5000, requestTimeout: 10_000, headersTimeout: 10_000 }, this.#onRequest);
  }

  /** The bound address once listening, else null. */
  get address(): { host: string; port: number } | null {
    return this.#address;
  }

  /**
   * Binds host:port and resolves with the bound address; logs `admin.listening`.
   * @throws ConnectionError SERVER_LISTEN_FAILED (cause: the system error), e.g. on EADDRINUSE.
   */
  listen(): Promise<{ host: string; port: number }> {
    const { host, port, logger } = this.#o;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new ConnectionError('SERVER_LISTEN_FAILED', `cannot listen on ${host}:${port} (admin): ${err.code ?? err.message}`, { cause: err }));
      };
      this.#http.once('error', onError);
      this.#http.listen({ host, port }, () => {
        this.#http.off('error', onError);
        this.#http.on('error', (err) => logger.error({ evt: 'admin.error', err: { code: (err as NodeJS.ErrnoException).code, message: err.message } }, 'admin socket error'));
        const a = this.#http.address();
        this.#address = typeof a === 'object' && a !== null ? { host: a.address, port: a.port } : { host, port };
        logger.info({ evt: 'admin.listening', host: this.#address.host, port: this.#address.port }, 'admin listening (/metrics, /healthz, /readyz)');
        resolve(this.#address);
      });
    });
  }

  /** Stops listening and closes every connection (a scrape in progress is cut). */
  close(): Promise<void> {
    this.#address = null;
    if (!this.#http.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.#http.close(() => resolve());
      this.#http.closeAllConnections();
    });
  }

  readonly #onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = pathOf(req.url);
    const isHead = req.method === 'HEAD';
    if (!PATHS.has(path)) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', isHead);
    if (req.method !== 'GET' && !isHead) return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', false, { allow: 'GET, HEAD' });
    if (path === '/healthz') return send(res, 200, JSON_TYPE, '{"status":"ok"}\n', isHead);
    if (path === '/readyz') {
      const r = this.#o.source.readiness();
      if (!(r instanceof Promise)) return sendReadiness(res, r, isHead);
      r.then((ready) => sendReadiness(res, ready, isHead));
      return;
    }
    this.#o.source.metricsText().then(
      (text) => send(res, 200, this.#o.source.contentType, text, isHead),
      (err: unknown) => {
        this.#o.logger.error({ evt: 'admin.metrics_failed', err: { message: (err as Error)?.message } }, 'metrics not collected');
        send(res, 500, 'text/plain; charset=utf-8', 'metrics not collected\n', isHead);
      },
    );
  };
}
