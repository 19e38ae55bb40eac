// Trace benchmark: the per-message cost on the answer's path of building a TraceRecord (root and
// 5 stage spans) and of OtlpSink.export() at ratios 0, 0.1 and 1. The sink's exporter is a stub and
// the measured loop never yields, so no conversion or I/O is timed: only the hot path.

import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createOtlpSink, IdSource, TraceRecord } from '../src/trace/index.js';
import { measure, us } from './measure.js';

const STAGES = ['validate', 'dedupe', 'route', 'authorize', 'respond'];
const PER_BATCH = 10_000;
const BATCHES = 25;
const WARMUP = 5;

/** Accepts and discards every batch: the flush after the measured loop costs conversion only. */
const DISCARD: SpanExporter = {
  export(_spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    done({ code: 0 });
  },
  async shutdown(): Promise<void> {},
};

/** A finished trace as the switch builds one: ids, six records, the root's attributes, every end(). */
function buildTrace(ids: IdSource): TraceRecord {
  const trace = new TraceRecord(ids, 'iso8583 0100');
  trace.root.attributes = {
    'iso.mti': '0100', 'iso.stan': '000123', 'iso.terminal_id': 'TERM0001', 'iso.rrn': '000000123456',
    'iso.response_code': '00', 'iso.issuer': 'stub',
  };
  for (let i = 0; i < STAGES.length; i++) trace.startSpan(STAGES[i]).end('ok');
  trace.root.end('ok');
  return trace;
}

export async function run(): Promise<void> {
  console.log(`trace: per message, median of ${BATCHES} batches of ${PER_BATCH.toLocaleString('en')}`);
  const ids = new IdSource();
  const build = measure(() => buildTrace(ids), PER_BATCH, BATCHES, WARMUP);
  console.log(`  build TraceRecord, root + 5 spans       ${us(build.medianNs)} µs`);

  // 4,096 distinct finished traces, exported in turn, so the sampler sees real ids.
  const pool = Array.from({ length: 4096 }, () => buildTrace(ids));
  for (const ratio of [0, 0.1, 1]) {
    // The loop never yields, so the queue only grows: room for every call, nothing dropped.
    const sink = createOtlpSink({ endpoint: '', sampleRatio: ratio, exporter: DISCARD, maxQueue: 1_000_000, batchSize: 1024 });
    let i = 0;
    const exported = measure(() => sink.export(pool[i++ & 4095]), PER_BATCH, BATCHES, WARMUP);
    const stats = sink.stats();
    const t0 = process.hrtime.bigint();
    await sink.shutdown();
    const flushNs = Number(process.hrtime.bigint() - t0);
    const perTrace = stats.sampled === 0 ? '' : `   (later, off path: convert ${us(flushNs / stats.sampled)} µs/trace, no encoding)`;
    console.log(`  export() sampleRatio ${String(ratio).padEnd(3)}               ${us(exported.medianNs)} µs   sampled ${stats.sampled.toLocaleString('en')}, dropped ${stats.dropped}${perTrace}`);
  }
}
