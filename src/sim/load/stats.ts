// LoadStats: what a load run counts. Answers, timeouts and errors, response codes, and an HDR
// histogram of round-trip latency in microseconds. No I/O.

import { build, type Histogram } from 'hdr-histogram-js';

/** A look at a run in progress, for a progress line. */
export interface LoadSnapshot {
  elapsedMs: number;
  sent: number;
  answers: number;
  timeouts: number;
  errors: number;
  /** p99 of answers so far, ms (0 before the first). */
  p99Ms: number;
}

/** The result of a run; `--json` prints it as is. */
export interface LoadSummary {
  elapsedMs: number;
  sent: number;
  answers: number;
  /** Answers per second over the run. */
  throughput: number;
  /** Round-trip latency of answered requests, ms, as HDR bucket upper bounds (all 0 when none was answered). */
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  /** Answers by DE 39; 'none' for answers without one (an echo server returns the request). */
  responseCodes: Record<string, number>;
  timeouts: number;
  errors: number;
  /** The first error's text (no field contents), null when none happened. */
  firstError: string | null;
}

const ms = (us: number): number => Math.round(us) / 1000;

export class LoadStats {
  sent = 0;
  answers = 0;
  timeouts = 0;
  errors = 0;
  firstError: string | null = null;
  readonly #histogram: Histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  readonly #codes = new Map<string, number>();

  /** HOT: one answer with its round-trip time and DE 39. */
  answered(latencyUs: number, rc: string): void {
    this.answers++;
    this.#histogram.recordValue(latencyUs);
    this.#codes.set(rc, (this.#codes.get(rc) ?? 0) + 1);
  }

  failed(err: Error): void {
    this.errors++;
    this.firstError ??= err.message;
  }

  snapshot(elapsedMs: number): LoadSnapshot {
    const p99 = this.answers === 0 ? 0 : ms(this.#histogram.getValueAtPercentile(99));
    return { elapsedMs, sent: this.sent, answers: this.answers, timeouts: this.timeouts, errors: this.errors, p99Ms: p99 };
  }

  summary(elapsedMs: number): LoadSummary {
    const h = this.#histogram;
    const at = (p: number): number => (this.answers === 0 ? 0 : ms(h.getValueAtPercentile(p)));
    const codes = [...this.#codes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return {
      elapsedMs: Math.round(elapsedMs),
      sent: this.sent,
      answers: this.answers,
      throughput: elapsedMs > 0 ? Math.round((this.answers * 1000 * 10) / elapsedMs) / 10 : 0,
      latencyMs: { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: at(100) },
      responseCodes: Object.fromEntries(codes),
      timeouts: this.timeouts,
      errors: this.errors,
      firstError: this.firstError,
    };
  }
}
