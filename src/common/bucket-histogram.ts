// BucketHistogram: observations counted by upper bound, with their sum, in one Float64Array that a
// metrics scrape reads later (it may be backed by a SharedArrayBuffer another thread writes). No
// I/O, no allocation per observation: the instrumented hot paths call observe() and nothing else.

/** Upper bounds, in seconds, for latencies from a fraction of a millisecond to 10 s. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/** Float64Array slots a histogram over `bounds` takes: a count per bound, the +Inf count, the sum. */
export function histogramSlots(bounds: readonly number[]): number {
  return bounds.length + 2;
}

export class BucketHistogram {
  /** Ascending upper bounds (a value equal to a bound falls in its bucket, as Prometheus's `le`); +Inf is implied. */
  readonly bounds: readonly number[];
  /** Counts per bucket, not cumulative (bounds.length + 1, the last one +Inf), then the sum. */
  readonly data: Float64Array;
  readonly #sumAt: number;

  /**
   * `data`: where the counts live (histogramSlots(bounds) slots), e.g. a view of a
   * SharedArrayBuffer; by default a new zeroed array.
   */
  constructor(bounds: readonly number[], data: Float64Array = new Float64Array(histogramSlots(bounds))) {
    for (let i = 1; i < bounds.length; i++) if (!(bounds[i] > bounds[i - 1])) throw new RangeError('histogram bounds must ascend');
    if (data.length !== histogramSlots(bounds)) throw new RangeError(`histogram data must have ${histogramSlots(bounds)} slots`);
    this.bounds = bounds;
    this.data = data;
    this.#sumAt = bounds.length + 1;
  }

  /** HOT: counts `value` (in the bounds' unit). Most latencies land in the first buckets: a short scan. */
  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]) i++;
    this.data[i]++;
    this.data[this.#sumAt] += value;
  }

  /** Observations so far. */
  get count(): number {
    let n = 0;
    for (let i = 0; i < this.#sumAt; i++) n += this.data[i];
    return n;
  }

  /** Sum of the values observed. */
  get sum(): number {
    return this.data[this.#sumAt];
  }

  /** Cumulative counts per bound, then +Inf (= count): Prometheus's `_bucket` series. */
  cumulative(): number[] {
    const out = new Array<number>(this.#sumAt);
    let n = 0;
    for (let i = 0; i < this.#sumAt; i++) out[i] = n += this.data[i];
    return out;
  }
}
