// A minimal OTLP/HTTP trace collector on 127.0.0.1:0 for the switch's tests: keeps every request
// body as received (for byte scans) and its spans decoded with protobuf.ts. Always answers 200.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeExportTraceServiceRequest, type DecodedSpan } from './protobuf.js';

export class OtlpCollector {
  /** Raw request bodies, in arrival order. */
  readonly bodies: Buffer[] = [];
  /** Every span received, in arrival order. */
  readonly spans: DecodedSpan[] = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.bodies.push(body);
        const decoded = decodeExportTraceServiceRequest(body);
        for (const rs of decoded.resourceSpans) for (const ss of rs.scopeSpans) this.spans.push(...ss.spans);
        res.writeHead(200, { 'content-length': '0' }).end();
      });
    });
  }

  static async start(): Promise<OtlpCollector> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new OtlpCollector(server);
  }

  /** The base URL for --otlp-endpoint. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Spans of one trace. */
  trace(traceId: string): DecodedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}
