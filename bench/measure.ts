// Benchmark helpers: run a function in batches and report the median time per call.

export interface Measurement {
  medianNs: number;
  minNs: number;
  maxNs: number;
  batches: number;
  perBatch: number;
}

/** Runs `fn` `perBatch` times per batch after a warm-up, and returns per-call timings over batches. */
export function measure(fn: () => unknown, perBatch = 20_000, batches = 25, warmupBatches = 5): Measurement {
  const times: number[] = [];
  let sink: unknown;
  for (let b = 0; b < warmupBatches + batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) sink = fn();
    const ns = Number(process.hrtime.bigint() - t0) / perBatch;
    if (b >= warmupBatches) times.push(ns);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  times.sort((a, b) => a - b);
  return { medianNs: times[times.length >> 1], minNs: times[0], maxNs: times[times.length - 1], batches, perBatch };
}

/** "1.234" microseconds from nanoseconds. */
export const us = (ns: number): string => (ns / 1000).toFixed(3);
