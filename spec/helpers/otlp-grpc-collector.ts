// A minimal OTLP/gRPC trace collector on 127.0.0.1:0 for the switch's tests: the real gRPC server
// (@grpc/grpc-js, which the OTLP gRPC exporter uses) with the TraceService/Export method defined by
// hand, keeping each request's bytes and decoding its spans with protobuf.ts. Always answers OK.

import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { decodeExportTraceServiceRequest, type DecodedSpan } from './protobuf.js';

/** opentelemetry.proto.collector.trace.v1.TraceService, its one method, with raw bytes in and an empty answer out. */
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    // An ExportTraceServiceResponse with no partial_success: zero bytes.
    responseSerialize: () => Buffer.alloc(0),
    responseDeserialize: () => ({}),
  },
};

export class OtlpGrpcCollector {
  /** Raw request messages (protobuf), in arrival order. */
  readonly bodies: Buffer[] = [];
  /** Every span received, in arrival order. */
  readonly spans: DecodedSpan[] = [];
  readonly #server: Server;
  readonly #port: number;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.#port = port;
  }

  static async start(): Promise<OtlpGrpcCollector> {
    const server = new Server();
    let collector: OtlpGrpcCollector | null = null;
    server.addService(TRACE_SERVICE, {
      Export: (call: ServerUnaryCall<Buffer, object>, answer: sendUnaryData<object>) => collector!.#onExport(call, answer),
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, bound) => (err === null ? resolve(bound) : reject(err)));
    });
    collector = new OtlpGrpcCollector(server, port);
    return collector;
  }

  /** The address for OTEL_EXPORTER_OTLP_ENDPOINT with OTEL_EXPORTER_OTLP_PROTOCOL=grpc. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Spans of one trace. */
  trace(traceId: string): DecodedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  async close(): Promise<void> {
    this.#server.forceShutdown();
  }

  #onExport(call: ServerUnaryCall<Buffer, object>, answer: sendUnaryData<object>): void {
    const body = call.request;
    this.bodies.push(body);
    for (const rs of decodeExportTraceServiceRequest(body).resourceSpans) for (const ss of rs.scopeSpans) this.spans.push(...ss.spans);
    answer(null, {});
  }
}
