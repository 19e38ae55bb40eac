// Metrics benchmark. First what counting one transaction costs on the answer's path with the admin
// listener on: TxnMetrics.record (typed-array counters, pre-bucketed histograms read at scrape
// time) against the same counts through prom-client's labelled Counter and Histogram (a label
// lookup per call), over one finished transaction with its 5 stage spans. Off, nothing runs.
// Then `isotrace serve` under the switch benchmark's load with metrics off and on (scraped once a
// second, as Prometheus would), alternately, BENCH_ROUNDS times (2): answers/s and CPU per answer.

import { Counter, Histogram, Registry } from 'prom-client';
import { builtinCodec, fromJson } from '../src/codec/index.js';
import { LATENCY_BUCKETS_SECONDS } from '../src/common/index.js';
import { TIMED_STAGES, TxnContext, TxnMetrics } from '../src/switch/index.js';
import { IdSource, nowUs, TraceRecord } from '../src/trace/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure, us } from './measure.js';
import { CONNECTIONS, figures, freePort, load, startIsotrace, THIS_BIN, WARMUP_MS, type LoadResult } from './servers.js';

const STAGES = ['validate', 'dedupe', 'route', 'authorize', 'respond'];
const PER_BATCH = 20_000;
const BATCHES = 25;
const WARMUP = 5;

/** A finished 0100 as the pipeline leaves it: root and 5 stage spans ended, decided, answered. */
function finishedTxn(): TxnContext {
  const codec = builtinCodec('iso87ascii');
  const request = fromJson(codec, { mti: '0100', fields: { 3: '000000', 4: '000000010000', 11: '000123', 41: 'TERM0001' } });
  const start = nowUs();
  const trace = new TraceRecord(new IdSource(), 'iso8583 0100', start);
  let at = start;
  for (const name of STAGES) trace.startSpan(name, trace.root, at).end('ok', (at += 7));
  trace.root.end('ok', at);
  const ctx = new TxnContext(trace, { connId: 'c1', remote: '127.0.0.1:1' }, start, request, null);
  ctx.kind = 'authorization';
  ctx.decide('00', 'approved', '123456');
  ctx.completedAtUs = at;
  return ctx;
}

const DURATION_MS = Number(process.env.BENCH_SWITCH_DURATION_MS ?? 20_000);
const SCRAPE_EVERY_MS = 1000;

/** serve (async audit) under load; with `isMetricsOn`, an admin port scraped every second meanwhile. */
async function serveUnderLoad(isMetricsOn: boolean): Promise<LoadResult & { scrapes: number }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-bench-'));
  const admin = isMetricsOn ? ['--admin-port', String(await freePort())] : [];
  let scrapes = 0;
  try {
    const server = await startIsotrace(THIS_BIN, ['serve', '--port', String(port), '--audit-dir', join(dir, 'audit'), '--audit-mode', 'async', ...admin], join(dir, 'serve.log'), port);
    const scraper = !isMetricsOn ? null : setInterval(() => {
      fetch(`http://127.0.0.1:${admin[1]}/metrics`).then((r) => r.text()).then(() => scrapes++, () => {});
    }, SCRAPE_EVERY_MS);
    try {
      return { ...(await load(port, [server.pid], DURATION_MS)), scrapes };
    } finally {
      if (scraper !== null) clearInterval(scraper);
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onAndOff(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
  console.log(`metrics: serve (audit async), ${CONNECTIONS} terminals, ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up, off and on alternately (each first in every other round), ${rounds} rounds`);
  const cpu = { off: [] as number[], on: [] as number[] };
  for (let round = 1; round <= rounds; round++) {
    // Which case runs first alternates: a machine that warms up or slows down over a round favours neither.
    for (const isOn of round % 2 === 1 ? [false, true] : [true, false]) {
      const r = await serveUnderLoad(isOn);
      console.log(isOn ? `${figures('metrics on, scraped 1/s', r)}   ${r.scrapes} scrapes` : figures('metrics off', r));
      (isOn ? cpu.on : cpu.off).push(r.cpuUsPerAnswer);
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`    CPU per answer, on against off: ${((mean(cpu.on) / mean(cpu.off) - 1) * 100).toFixed(1)}% (target: within 5%)`);
}

export async function run(): Promise<void> {
  perTransaction();
  await onAndOff();
}

function perTransaction(): void {
  console.log(`metrics: per transaction counted, median of ${BATCHES} batches of ${PER_BATCH.toLocaleString('en')}`);
  const ctx = finishedTxn();
  const end = ctx.completedAtUs + 40;
  const txn = new TxnMetrics();
  const ours = measure(() => txn.record(ctx, end), PER_BATCH, BATCHES, WARMUP);
  console.log(`  TxnMetrics.record (typed arrays, read at scrape)      ${us(ours.medianNs)} µs`);

  const registry = new Registry();
  const total = new Counter({ name: 'b_transactions_total', help: 'x', labelNames: ['mti_class', 'response_code'], registers: [registry] });
  const duration = new Histogram({ name: 'b_duration_seconds', help: 'x', buckets: [...LATENCY_BUCKETS_SECONDS], registers: [registry] });
  const stage = new Histogram({ name: 'b_stage_seconds', help: 'x', labelNames: ['stage'], buckets: [...LATENCY_BUCKETS_SECONDS], registers: [registry] });
  const spans = ctx.trace.spans;
  const theirs = measure(() => {
    total.inc({ mti_class: ctx.kind, response_code: ctx.responseCode });
    duration.observe((end - ctx.receivedAtUs) / 1e6);
    for (let i = 1; i < spans.length; i++) stage.observe({ stage: spans[i].name }, (spans[i].endUs - spans[i].startUs) / 1e6);
    stage.observe({ stage: TIMED_STAGES[TIMED_STAGES.length - 1] }, (end - ctx.completedAtUs) / 1e6);
  }, PER_BATCH, BATCHES, WARMUP);
  console.log(`  prom-client Counter.inc + 7 Histogram.observe, labels  ${us(theirs.medianNs)} µs`);
}
