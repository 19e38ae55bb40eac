// Trace builders for the trace layer's tests: a message's trace with one span per stage, and an
// IdSource that hands out chosen trace ids. Attributes are the switch's names, never card data.

import { IdSource, TraceRecord } from '../../../src/trace/index.js';

/** The pipeline's stages, one child span each. */
export const STAGES = ['validate', 'dedupe', 'route', 'authorize', 'respond'] as const;

/** 2023-11-14T22:13:20.000123Z in microseconds: a fixed, exact start for time checks. */
export const T0_US = 1_700_000_000_000_123;

/** The root span's attributes for an approved 0100. */
export const ROOT_ATTRIBUTES = Object.freeze({
  'iso.mti': '0100',
  'iso.stan': '000123',
  'iso.rrn': '000000123456',
  'iso.terminal_id': 'TERM0001',
  'iso.issuer': 'stub',
  'iso.response_code': '00',
});

/**
 * A finished trace as the switch records one: root `iso8583 0100` from `startUs` to `startUs + 100`,
 * stage `i` from `startUs + 10 + 15i` for 12 µs, all ended `ok`.
 */
export function messageTrace(ids: IdSource, startUs = T0_US): TraceRecord {
  const trace = new TraceRecord(ids, 'iso8583 0100', startUs);
  trace.root.attributes = { ...ROOT_ATTRIBUTES };
  STAGES.forEach((name, i) => {
    const at = startUs + 10 + 15 * i;
    trace.startSpan(name, trace.root, at).end('ok', at + 12);
  });
  trace.root.end('ok', startUs + 100);
  return trace;
}

/** An IdSource whose trace ids are `traceIds` in order (then random ones); span ids stay random and are counted. */
export class FixedIds extends IdSource {
  readonly #traceIds: string[];
  /** How many span ids were drawn. */
  drawn = 0;

  constructor(traceIds: string[]) {
    super();
    this.#traceIds = [...traceIds];
  }

  override traceId(): string {
    return this.#traceIds.shift() ?? super.traceId();
  }

  override spanId(): string {
    this.drawn++;
    return super.spanId();
  }
}
