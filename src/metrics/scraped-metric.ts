// ScrapedMetric: one metric family whose samples are read from the switch's own counters when
// Prometheus scrapes (prom-client's metric interface, registered on our Registry), so that nothing
// is kept twice and the transaction path pays nothing for it. No I/O.

import type { Metric, Registry } from 'prom-client';
import type { BucketHistogram } from '../common/index.js';

export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** Label values by label name: bounded values only (never card data, STAN, RRN or terminal ids). */
export type Labels = Readonly<Record<string, string>>;

interface Sample {
  value: number;
  labels: Labels;
  metricName?: string;
}

const NO_LABELS: Labels = Object.freeze({});

/** What a family's reader fills in at scrape time. */
export class Samples {
  readonly list: Sample[] = [];
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  /** One sample of a counter or gauge. */
  add(value: number, labels: Labels = NO_LABELS): void {
    this.list.push({ value, labels });
  }

  /** A histogram's `_bucket` (cumulative, `le`), `_sum` and `_count` samples. */
  addHistogram(h: BucketHistogram, labels: Labels = NO_LABELS): void {
    const cumulative = h.cumulative();
    for (let i = 0; i < cumulative.length; i++) {
      const le = i < h.bounds.length ? String(h.bounds[i]) : '+Inf';
      this.list.push({ value: cumulative[i], labels: { ...labels, le }, metricName: `${this.#name}_bucket` });
    }
    this.list.push({ value: h.sum, labels, metricName: `${this.#name}_sum` });
    this.list.push({ value: cumulative[cumulative.length - 1], labels, metricName: `${this.#name}_count` });
  }
}

/** How the primary of `serve --workers` combines the workers' samples of a family (prom-client's aggregators). */
export type Aggregator = 'sum' | 'min' | 'max';

export class ScrapedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricKind;
  readonly aggregator: Aggregator;
  readonly #read: (out: Samples) => void;

  /** `read` adds the family's samples at each scrape; `aggregator`: across workers, default their sum. */
  constructor(name: string, type: MetricKind, help: string, read: (out: Samples) => void, aggregator: Aggregator = 'sum') {
    this.name = name;
    this.type = type;
    this.help = help;
    this.#read = read;
    this.aggregator = aggregator;
  }

  /** prom-client's Metric.get(): the family as the registry formats it. */
  async get(): Promise<{ name: string; help: string; type: MetricKind; aggregator: string; values: Sample[] }> {
    const out = new Samples(this.name);
    this.#read(out);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: out.list };
  }

  /** prom-client's Metric.reset(): the counters belong to the components; nothing to reset here. */
  reset(): void {}

  /** Registers the family on `registry`. */
  register(registry: Registry): this {
    // prom-client types a registered metric as one of its own classes; it calls only get() and reset().
    registry.registerMetric(this as unknown as Metric);
    return this;
  }
}
