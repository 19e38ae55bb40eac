// AuditBatchStats: the audit writer's batches for /metrics (how many, records per fdatasync, how
// long each write + fdatasync took, failures), in one buffer: a SharedArrayBuffer when the writer
// runs on the journal thread, which the main thread reads at scrape time without a message.
// Updated once per batch, never per record.

import { BucketHistogram, histogramSlots, LATENCY_BUCKETS_SECONDS } from '../common/index.js';

/** Upper bounds of records per batch (group commit: 1 when idle, up to hundreds under load). */
export const RECORDS_PER_BATCH_BUCKETS: readonly number[] = Object.freeze([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);

const RECORDS_SLOTS = histogramSlots(RECORDS_PER_BATCH_BUCKETS);
const SYNC_SLOTS = histogramSlots(LATENCY_BUCKETS_SECONDS);
/** Slots after the histograms: failed batches, then 1 while the last batch failed. */
const FAILED = RECORDS_SLOTS + SYNC_SLOTS;
const FAILING = FAILED + 1;
const SLOTS = FAILING + 1;

export class AuditBatchStats {
  /** Bytes of the buffer an AuditBatchStats lives in. */
  static readonly BYTES = SLOTS * Float64Array.BYTES_PER_ELEMENT;
  /** Share it with another thread, which makes its own AuditBatchStats over it. */
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  /** Records in each batch written (its count: batches; its sum: records). */
  readonly records: BucketHistogram;
  /** Seconds of each written batch's write + fdatasync. */
  readonly syncSeconds: BucketHistogram;
  readonly #slots: Float64Array;

  constructor(buffer: SharedArrayBuffer | ArrayBuffer = new SharedArrayBuffer(AuditBatchStats.BYTES)) {
    if (buffer.byteLength !== AuditBatchStats.BYTES) throw new RangeError(`audit batch stats need ${AuditBatchStats.BYTES} bytes`);
    this.buffer = buffer;
    this.#slots = new Float64Array(buffer);
    this.records = new BucketHistogram(RECORDS_PER_BATCH_BUCKETS, this.#slots.subarray(0, RECORDS_SLOTS));
    this.syncSeconds = new BucketHistogram(LATENCY_BUCKETS_SECONDS, this.#slots.subarray(RECORDS_SLOTS, FAILED));
  }

  /** A batch of `records` is on disk; its write + fdatasync took `seconds`. */
  written(records: number, seconds: number): void {
    this.records.observe(records);
    this.syncSeconds.observe(seconds);
    this.#slots[FAILING] = 0;
  }

  /** A batch failed (not on disk). */
  failed(): void {
    this.#slots[FAILED]++;
    this.#slots[FAILING] = 1;
  }

  /** Batches that failed so far. */
  get failedBatches(): number {
    return this.#slots[FAILED];
  }

  /** True while the last batch failed (until one is written again). */
  get isFailing(): boolean {
    return this.#slots[FAILING] !== 0;
  }
}
