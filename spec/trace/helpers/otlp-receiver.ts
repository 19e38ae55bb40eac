// A tiny OTLP/HTTP trace receiver on 127.0.0.1 for tests: accepts POST /v1/traces (protobuf),
// decodes each ExportTraceServiceRequest, answers with a chosen status and an empty body.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeExportTraceServiceRequest, type DecodedSpan, type DecodedTraceRequest } from '../../helpers/protobuf.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string;
  contentEncoding: string;
  /** The status this request was answered with. */
  status: number;
  request: DecodedTraceRequest;
  /** Every span of the request, flattened. */
  spans: DecodedSpan[];
}

export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Statuses for the next requests, in order; 200 once they run out. */
  readonly statuses: number[] = [];
  /** TCP connections accepted so far. */
  connections = 0;
  readonly #server: Server;
  readonly #waiters: Array<{ isDone: () => boolean; resolve: () => void }> = [];

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', () => this.connections++);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res));
  }

  /** Listens on 127.0.0.1:`port` (0 = any free port). */
  static async start(port = 0): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return receiver;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** The base URL, as a sink's `endpoint`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Spans of every request answered 200, in arrival order. */
  spans(): DecodedSpan[] {
    return this.requests.filter((r) => r.status === 200).flatMap((r) => r.spans);
  }

  /** Trace ids of the root spans accepted, in arrival order. */
  rootTraceIds(): string[] {
    return this.spans().filter((s) => s.parentSpanId === '').map((s) => s.traceId);
  }

  /** Resolves once `isDone()` holds, checked now and after every request. */
  until(isDone: () => boolean): Promise<void> {
    if (isDone()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ isDone, resolve }));
  }

  /** Resolves once `count` root spans (traces) were accepted. */
  untilTraces(count: number): Promise<void> {
    return this.until(() => this.rootTraceIds().length >= count);
  }

  /** Resolves once `count` requests arrived, whatever they were answered. */
  untilRequests(count: number): Promise<void> {
    return this.until(() => this.requests.length >= count);
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = this.statuses.shift() ?? 200;
      const request = decodeExportTraceServiceRequest(Buffer.concat(chunks));
      this.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        contentEncoding: req.headers['content-encoding'] ?? '',
        status,
        request,
        spans: request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
      });
      res.writeHead(status, { 'content-length': '0' }).end();
      for (let i = this.#waiters.length - 1; i >= 0; i--) {
        if (!this.#waiters[i].isDone()) continue;
        this.#waiters[i].resolve();
        this.#waiters.splice(i, 1);
      }
    });
  }
}
