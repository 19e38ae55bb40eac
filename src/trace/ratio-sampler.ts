// Deterministic ratio sampling from the trace id, and the parsing of OTEL_TRACES_SAMPLER_ARG.
// No I/O, no randomness: the same trace id always gets the same decision. Throws only ConfigError.

import { checkNumber, ConfigError } from '../common/index.js';

/** 2^32, to split the 56-bit randomness and the threshold into exact integer halves. */
const TWO_32 = 0x1_0000_0000;
const TWO_24 = 0x100_0000;
const TWO_56 = 2 ** 56;

/** The option name a bad ratio is reported under: the environment variable the CLI reads it from. */
const SAMPLER_ARG = 'OTEL_TRACES_SAMPLER_ARG';

/** A plain decimal or exponent number: `Number()` alone would also take `0x1`, `' '` and `Infinity`. */
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Samples a fixed share of traces by their id, as OpenTelemetry's TraceIdRatioBased sampler with
 * W3C Trace Context level 2 randomness does: the id's rightmost 56 bits are the randomness R, the
 * rejection threshold is T = (1 − ratio) × 2^56, and a trace is sampled when R ≥ T. Decisions are
 * reproducible and consistent across services that use the same rule, so a trace sampled at a
 * lower ratio is always sampled at a higher one.
 *
 * Note: the installed `@opentelemetry/sdk-trace` 2.x TraceIdRatioBasedSampler still uses an older
 * XOR hash of the id, so its decisions differ from these.
 */
export class RatioSampler {
  /** The share of traces sampled, 0..1. */
  readonly ratio: number;
  readonly #isAll: boolean;
  readonly #isNone: boolean;
  /** T's top 24 bits and low 32 bits: T reaches 2^56, past the 2^53 a double holds exactly. */
  readonly #thresholdHigh: number;
  readonly #thresholdLow: number;

  /** @throws ConfigError unless `ratio` is a number in 0..1. */
  constructor(ratio: number) {
    this.ratio = checkNumber('sampleRatio', ratio, 0, 1);
    this.#isAll = ratio === 1;
    this.#isNone = ratio === 0;
    // T = 2^56 − ratio × 2^56, in exact integer halves. ratio × 2^56 only rescales the double, so it
    // is exact; (1 − ratio) would round first (1 − 0.1 gives T = 0xe6666666666668, not …666).
    const kept = Math.round(ratio * TWO_56);
    const keptHigh = Math.floor(kept / TWO_32);
    const keptLow = kept - keptHigh * TWO_32;
    this.#thresholdHigh = TWO_24 - keptHigh - (keptLow > 0 ? 1 : 0);
    this.#thresholdLow = keptLow > 0 ? TWO_32 - keptLow : 0;
  }

  /**
   * True when the trace with this id (32 hex digits, either case) is sampled.
   * Costs two short loops over 14 characters and no allocation.
   */
  // HOT: runs for every message when export is configured.
  isSampled(traceId: string): boolean {
    if (this.#isAll) return true;
    if (this.#isNone) return false;
    // Hex digits 18..23 are bits 55..32 of the id's low 56 bits; digits 24..31 are bits 31..0.
    const high = hexValue(traceId, 18, 24);
    if (high !== this.#thresholdHigh) return high > this.#thresholdHigh;
    return hexValue(traceId, 24, 32) >= this.#thresholdLow;
  }
}

/** The unsigned value of the hex digits from `start` to `end` (at most 8 of them). */
function hexValue(s: string, start: number, end: number): number {
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    // '0'-'9' → 0-9, 'A'-'F' → 10-15, 'a'-'f' → 10-15; ids are validated where they are made.
    v = v * 16 + (c < 58 ? c - 48 : c < 71 ? c - 55 : c - 87);
  }
  return v;
}

/**
 * The sampling ratio from a text setting such as the `OTEL_TRACES_SAMPLER_ARG` environment variable:
 * `fallback` when it is unset or blank, otherwise a decimal number in 0..1 (`0.25`, `1`, `5e-2`).
 * @throws ConfigError naming OTEL_TRACES_SAMPLER_ARG when the text is not such a number, or when
 *   `fallback` is outside 0..1.
 */
export function parseSampleRatio(value: string | undefined, fallback: number): number {
  checkNumber(`${SAMPLER_ARG} (fallback)`, fallback, 0, 1);
  if (value === undefined) return fallback;
  const text = value.trim();
  if (text === '') return fallback;
  const ratio = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!(ratio >= 0 && ratio <= 1)) {
    const shown = text.length > 40 ? `a string of ${text.length} characters` : JSON.stringify(text);
    throw new ConfigError(SAMPLER_ARG, `expected a sampling ratio in 0..1, e.g. 0.1, got ${shown}`);
  }
  return ratio;
}
