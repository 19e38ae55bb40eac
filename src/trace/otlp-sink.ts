// The OTLP trace sink (HTTP/protobuf or gRPC, with OpenTelemetry's exporters): samples finished traces by id, holds them in a bounded queue, and converts
// and sends them in batches from a timer or setImmediate, never on the caller's path. export()
// never throws and never does I/O; export failures are logged and counted, never retried by us.

import { randomUUID } from 'node:crypto';
import { ExportResultCode, SDK_INFO, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { SYSTEM_CLOCK, type ClockTimer, type Logger } from '../common/index.js';
import { tracesUrl, resolveOtlpSinkOptions, type OtlpSinkOptions } from './otlp-sink-options.js';
import { appendOtlpSpans, INSTRUMENTATION_SCOPE } from './otlp-span.js';
import { LazyExporter } from './lazy-exporter.js';
import { RatioSampler } from './ratio-sampler.js';
import type { TraceRecord, TraceSink } from './span.js';

/** Counters since the sink was created. */
export interface OtlpSinkStats {
  /** Traces the sampler chose, including those then dropped. */
  sampled: number;
  /** Sampled traces dropped because the queue was full or the sink shut down. */
  dropped: number;
  /** Traces waiting in the queue now. */
  queued: number;
  exportedTraces: number;
  exportedSpans: number;
  /** Traces in batches the exporter reported as failed. */
  failedTraces: number;
  failedBatches: number;
}

/** The OpenTelemetry exporter for the options' protocol, sending to their endpoint; loaded on the first export. */
function officialExporter(o: Readonly<Required<OtlpSinkOptions>>): SpanExporter {
  if (o.protocol === 'grpc') {
    return new LazyExporter(async () => new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter({ url: o.endpoint, timeoutMillis: o.exportTimeoutMs }));
  }
  return new LazyExporter(async () => new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter({ url: tracesUrl(o.endpoint), timeoutMillis: o.exportTimeoutMs }));
}

/** A TraceSink that exports sampled traces over OTLP: HTTP with protobuf bodies, or gRPC. */
export class OtlpSink implements TraceSink {
  readonly #sampler: RatioSampler;
  readonly #exporter: SpanExporter;
  readonly #resource: Resource;
  readonly #logger: Logger;
  readonly #maxQueue: number;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #shutdownTimeoutMs: number;
  /** Traces in the export in flight. */
  #inFlightTraces = 0;
  /** A ring of maxQueue slots: allocated once, so a full queue costs no memory growth. */
  readonly #queue: Array<TraceRecord | undefined>;
  #head = 0;
  #size = 0;
  #isScheduled = false;
  #isClosed = false;
  /** The one export in flight; one at a time keeps memory at the queue plus one batch. */
  #inFlight: Promise<void> | null = null;
  #shutdownDone: Promise<void> | null = null;
  readonly #timer: ClockTimer;
  #sampled = 0;
  #dropped = 0;
  #exportedTraces = 0;
  #exportedSpans = 0;
  #failedTraces = 0;
  #failedBatches = 0;
  #unloggedFailedTraces = 0;
  #unloggedFailedBatches = 0;
  #lastFailure = '';
  #loggedDropped = 0;
  #lastLogMs = -Infinity;
  // Callbacks made once, so scheduling a flush allocates no closure per message.
  readonly #onImmediate = (): void => {
    this.#isScheduled = false;
    this.#pump();
  };
  readonly #onTick = (): void => {
    this.#logProblems(false);
    this.#pump();
  };
  readonly #afterSend = (): void => {
    this.#inFlight = null;
    this.#inFlightTraces = 0;
    if (this.#size >= this.#batchSize) this.#schedule();
  };

  /** Takes options resolveOtlpSinkOptions() has checked; createOtlpSink() does both. */
  constructor(o: Readonly<Required<OtlpSinkOptions>>) {
    this.#sampler = new RatioSampler(o.sampleRatio);
    this.#exporter = o.exporter ?? officialExporter(o);
    this.#resource = resourceFromAttributes({ ...SDK_INFO, 'service.instance.id': randomUUID(), ...o.resourceAttributes, 'service.name': o.serviceName });
    this.#logger = o.logger;
    this.#maxQueue = o.maxQueue;
    this.#batchSize = o.batchSize;
    this.#flushIntervalMs = o.flushIntervalMs;
    this.#shutdownTimeoutMs = o.shutdownTimeoutMs;
    this.#queue = new Array<TraceRecord | undefined>(o.maxQueue).fill(undefined);
    this.#timer = SYSTEM_CLOCK.setInterval(this.#onTick, o.flushIntervalMs);
  }

  /**
   * Queues `trace` when it is sampled (by its id, or by its remote parent's sampled flag). Returns at once: no conversion, no I/O, never throws.
   * The sink keeps the record itself, so it must not change after this call.
   */
  /**
   * A trace started here is sampled by its id (the ratio); one continued from another process
   * follows that process's decision (its sampled flag), as OpenTelemetry's ParentBased sampler
   * does, so that one tree is exported whole or not at all.
   */
  isSampled(trace: TraceRecord): boolean {
    const remote = trace.remoteParent;
    return remote === null ? this.#sampler.isSampled(trace.traceId) : remote.isSampled;
  }

  // HOT: one id check and one array store per message.
  export(trace: TraceRecord): void {
    if (!this.isSampled(trace)) return;
    this.#sampled++;
    if (this.#size === this.#maxQueue || this.#isClosed) {
      this.#dropped++;
      return;
    }
    let at = this.#head + this.#size;
    if (at >= this.#maxQueue) at -= this.#maxQueue;
    this.#queue[at] = trace;
    this.#size++;
    if (this.#size >= this.#batchSize) this.#schedule();
  }

  /**
   * Sends everything queued, waits for the last export, and shuts the exporter down, for at most
   * shutdownTimeoutMs; what is not exported by then is dropped and logged. Never rejects.
   */
  shutdown(): Promise<void> {
    this.#shutdownDone ??= this.#drainAndClose();
    return this.#shutdownDone;
  }

  /**
   * Sends everything queued now, in batches, and resolves once the exporter has answered for the
   * last one (failures are counted and logged, not thrown). Never rejects.
   */
  async flush(): Promise<void> {
    while (this.#inFlight !== null || this.#size > 0) {
      if (this.#inFlight === null) this.#pump();
      await this.#inFlight;
    }
  }

  stats(): OtlpSinkStats {
    return {
      sampled: this.#sampled, dropped: this.#dropped, queued: this.#size, exportedTraces: this.#exportedTraces,
      exportedSpans: this.#exportedSpans, failedTraces: this.#failedTraces, failedBatches: this.#failedBatches,
    };
  }

  #schedule(): void {
    if (this.#isScheduled || this.#inFlight !== null) return;
    this.#isScheduled = true;
    setImmediate(this.#onImmediate);
  }

  /** Converts one batch and hands it to the exporter, unless an export is still in flight. */
  #pump(): void {
    if (this.#inFlight !== null || this.#size === 0) return;
    const count = Math.min(this.#size, this.#batchSize);
    const spans: ReadableSpan[] = [];
    const queue = this.#queue;
    for (let i = 0; i < count; i++) {
      appendOtlpSpans(queue[this.#head]!, this.#resource, INSTRUMENTATION_SCOPE, spans);
      queue[this.#head] = undefined;
      this.#head = this.#head + 1 === this.#maxQueue ? 0 : this.#head + 1;
    }
    this.#size -= count;
    this.#inFlightTraces = count;
    this.#inFlight = this.#send(spans, count).then(this.#afterSend);
  }

  /** Resolves when the exporter has answered for this batch; never rejects. */
  #send(spans: ReadableSpan[], traces: number): Promise<void> {
    return new Promise<void>((resolve) => {
      try {
        this.#exporter.export(spans, (result: ExportResult) => {
          this.#record(result, traces, spans.length);
          resolve();
        });
      } catch (err) {
        this.#record({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) }, traces, spans.length);
        resolve();
      }
    });
  }

  #record(result: ExportResult, traces: number, spans: number): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this.#exportedTraces += traces;
      this.#exportedSpans += spans;
      return;
    }
    this.#failedTraces += traces;
    this.#failedBatches++;
    this.#unloggedFailedTraces += traces;
    this.#unloggedFailedBatches++;
    // Transport errors name a status or a socket error, never span contents; cap them anyway.
    this.#lastFailure = (result.error?.message ?? 'export failed').slice(0, 200);
    this.#logProblems(false);
  }

  /** Logs failures and drops since the last report: at once the first time, then at most once per flush interval. */
  #logProblems(isFinal: boolean): void {
    const now = SYSTEM_CLOCK.now();
    if (!isFinal && now - this.#lastLogMs < this.#flushIntervalMs) return;
    const dropped = this.#dropped - this.#loggedDropped;
    if (this.#unloggedFailedTraces > 0) {
      this.#logger.warn(
        {
          evt: 'trace.export_failed', traces: this.#unloggedFailedTraces, batches: this.#unloggedFailedBatches,
          failedTraces: this.#failedTraces, reason: this.#lastFailure,
        },
        'OTLP trace export failed; those traces are lost',
      );
      this.#unloggedFailedTraces = 0;
      this.#unloggedFailedBatches = 0;
      this.#lastLogMs = now;
    }
    if (dropped > 0) {
      this.#logger.warn(
        { evt: 'trace.dropped', traces: dropped, droppedTotal: this.#dropped, maxQueue: this.#maxQueue },
        'trace export queue full; traces dropped',
      );
      this.#loggedDropped = this.#dropped;
      this.#lastLogMs = now;
    }
  }

  async #drainAndClose(): Promise<void> {
    this.#isClosed = true;
    this.#timer.clear();
    let deadline: ClockTimer | null = null;
    const isTimedOut = await Promise.race([
      this.#flushAndShutdown().then(() => false),
      new Promise<boolean>((resolve) => (deadline = SYSTEM_CLOCK.setTimeout(() => resolve(true), this.#shutdownTimeoutMs))),
    ]);
    (deadline as ClockTimer | null)?.clear();
    if (!isTimedOut) return;
    const lost = this.#size + this.#inFlightTraces;
    this.#dropped += this.#size;
    this.#queue.fill(undefined);
    this.#size = 0;
    this.#logger.warn(
      { evt: 'trace.shutdown_timeout', traces: lost, timeoutMs: this.#shutdownTimeoutMs, reason: this.#lastFailure || 'no answer from the collector' },
      `OTLP export not finished ${this.#shutdownTimeoutMs} ms into shutdown; ${lost} traces lost`,
    );
  }

  async #flushAndShutdown(): Promise<void> {
    await this.flush();
    this.#logProblems(true);
    try {
      await this.#exporter.shutdown();
    } catch (err) {
      this.#logger.warn({ evt: 'trace.export_failed', traces: 0, reason: err instanceof Error ? err.message.slice(0, 200) : 'shutdown failed' }, 'OTLP exporter shutdown failed');
    }
  }
}

/**
 * A sink exporting a `sampleRatio` share of traces to an OTLP collector (HTTP/protobuf or gRPC).
 * @throws ConfigError naming the first invalid option (`otlp.endpoint`, `otlp.sampleRatio`, `otlp.batchSize`, …).
 */
export function createOtlpSink(options: OtlpSinkOptions): OtlpSink {
  return new OtlpSink(resolveOtlpSinkOptions(options));
}
