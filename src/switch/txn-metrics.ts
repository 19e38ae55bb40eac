// TxnMetrics: what the switch counts per transaction for /metrics, kept in typed arrays and plain
// numbers that a scrape reads: transactions by MTI class and response code, duplicates answered,
// format errors, end-to-end and per-stage latency. Made only when metrics are on; no labels, maps
// or allocation on the transaction path.

import { BucketHistogram, LATENCY_BUCKETS_SECONDS } from '../common/index.js';
import type { TxnContext, TxnKind } from './context.js';
import { STAGES } from './pipeline.js';

// Every TxnKind, once: a kind added to TxnKind and not here fails to compile.
const KINDS = { authorization: 0, financial: 1, reversal: 2, network: 3, unsupported: 4 } as const satisfies Record<TxnKind, number>;

/** The MTI classes the switch tells apart (TxnContext.kind), in label order; `unsupported` last. */
export const MTI_CLASSES: readonly TxnKind[] = Object.freeze(Object.keys(KINDS) as TxnKind[]);

/** The timed parts of a transaction: the pipeline's stages and respond (their spans), then the commit phase (journal, duplicates, trace hand-off). */
export const TIMED_STAGES: readonly string[] = Object.freeze([...STAGES.map(([name]) => name), 'respond', 'commit']);
const COMMIT = TIMED_STAGES.length - 1;

// Response codes as slots: two characters of 0-9A-Z (1987: 36 * 36), three digits (1993 action
// codes: 1000), then one slot for any other code and one for none (no answer decided).
const ALNUM = 36;
const TWO_CHAR = ALNUM * ALNUM;
const OTHER = TWO_CHAR + 1000;
const NONE = OTHER + 1;
const RC_SLOTS = NONE + 1;

/** 0-9 -> 0..9, A-Z -> 10..35, else -1. */
function alnum(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  return -1;
}

/** HOT: the slot of a response code, from its characters (no lookup). */
function rcSlot(rc: string): number {
  if (rc.length === 2) {
    const a = alnum(rc.charCodeAt(0));
    const b = alnum(rc.charCodeAt(1));
    if (a >= 0 && b >= 0) return a * ALNUM + b;
  } else if (rc.length === 3) {
    const a = alnum(rc.charCodeAt(0)), b = alnum(rc.charCodeAt(1)), c = alnum(rc.charCodeAt(2));
    if (a >= 0 && a < 10 && b >= 0 && b < 10 && c >= 0 && c < 10) return TWO_CHAR + a * 100 + b * 10 + c;
  } else if (rc.length === 0) return NONE;
  return OTHER;
}

const ALNUM_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The label of a slot: the code itself, `other` or `none`. */
function rcLabel(slot: number): string {
  if (slot < TWO_CHAR) return ALNUM_CHARS[Math.floor(slot / ALNUM)] + ALNUM_CHARS[slot % ALNUM];
  if (slot < OTHER) return String(slot - TWO_CHAR).padStart(3, '0');
  return slot === OTHER ? 'other' : 'none';
}

/** HOT: the index of a kind in MTI_CLASSES (a short scan of interned strings). */
function classIndex(kind: TxnKind): number {
  for (let i = 0; i < MTI_CLASSES.length - 1; i++) if (MTI_CLASSES[i] === kind) return i;
  return MTI_CLASSES.length - 1;
}

export class TxnMetrics {
  /** Transactions by MTI class (row) and response code slot. */
  readonly #counts = new Float64Array(MTI_CLASSES.length * RC_SLOTS);
  /** Answers sent from the duplicate cache (repeats of a request already answered). */
  duplicates = 0;
  /** Requests whose fields could not all be read (answered as format errors). */
  formatErrors = 0;
  /** From the frame's arrival at the switch to its answer being ready to write, seconds. */
  readonly duration = new BucketHistogram(LATENCY_BUCKETS_SECONDS);
  /** By TIMED_STAGES index, seconds. */
  readonly stages: readonly BucketHistogram[] = TIMED_STAGES.map(() => new BucketHistogram(LATENCY_BUCKETS_SECONDS));

  /**
   * HOT: counts one finished transaction whose answer was ready at `endUs`: its class and code,
   * its latency, and each stage's from the spans the pipeline timed them with.
   */
  record(ctx: TxnContext, endUs: number): void {
    this.#counts[classIndex(ctx.kind) * RC_SLOTS + rcSlot(ctx.responseCode)]++;
    if (ctx.isDuplicate) this.duplicates++;
    if (ctx.decodeError !== null) this.formatErrors++;
    this.duration.observe((endUs - ctx.receivedAtUs) / 1e6);
    const spans = ctx.trace.spans;
    const root = ctx.trace.root;
    // The stages' spans are the root's children in TIMED_STAGES order (those after the decision
    // skipped, respond always last): one forward pass matches them.
    let k = 0;
    for (let i = 1; i < spans.length && k < COMMIT; i++) {
      const s = spans[i];
      if (s.parent !== root) continue; // a stage's own children (an issuer call) are inside its time
      while (k < COMMIT && TIMED_STAGES[k] !== s.name) k++;
      if (k < COMMIT) this.stages[k++].observe((s.endUs - s.startUs) / 1e6);
    }
    this.stages[COMMIT].observe((endUs - ctx.completedAtUs) / 1e6);
  }

  /** Calls `each` for every (class, response code) counted so far, codes as DE 39 carries them. */
  forEachCount(each: (mtiClass: string, responseCode: string, count: number) => void): void {
    const c = this.#counts;
    for (let i = 0; i < c.length; i++) {
      if (c[i] !== 0) each(MTI_CLASSES[Math.floor(i / RC_SLOTS)], rcLabel(i % RC_SLOTS), c[i]);
    }
  }
}
