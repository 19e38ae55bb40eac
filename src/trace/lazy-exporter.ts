// A SpanExporter that loads the real one on first use. OpenTelemetry's OTLP exporters (and gRPC's
// stack behind one of them) take some 150 ms to load: every isotrace command paid it at start,
// though only a switch exporting traces uses them, and then only after its first transaction.

import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

export class LazyExporter implements SpanExporter {
  readonly #load: () => Promise<SpanExporter>;
  #exporter: Promise<SpanExporter> | null = null;

  constructor(load: () => Promise<SpanExporter>) {
    this.#load = load;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    (this.#exporter ??= this.#load()).then(
      (e) => e.export(spans, done),
      (err: unknown) => done({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) }),
    );
  }

  /** Shuts the real exporter down, if it was ever loaded. */
  async shutdown(): Promise<void> {
    if (this.#exporter === null) return;
    const e = await this.#exporter.catch(() => null);
    await e?.shutdown();
  }

  async forceFlush(): Promise<void> {
    if (this.#exporter === null) return;
    const e = await this.#exporter.catch(() => null);
    await e?.forceFlush?.();
  }
}
