// The trace of one message: a root span and child spans recorded as plain objects while the
// transaction runs. Cheap enough for every message; exporters turn them into OTLP later.

import type { IdSource } from './ids.js';
import { nowUs } from './clock.js';
import type { RemoteParent } from './context.js';

export type AttributeValue = string | number | boolean;
export type SpanStatus = 'unset' | 'ok' | 'error';
/**
 * OpenTelemetry's span kinds, those isotrace uses: `server` for the handling of a request that
 * came in (a message's root span), `client` for a call to another process (a remote issuer),
 * `internal` for work inside (the stages).
 */
export type SpanKindName = 'server' | 'client' | 'internal';

const NO_ATTRIBUTES: Readonly<Record<string, AttributeValue>> = Object.freeze({});

export class SpanRecord {
  readonly name: string;
  /** The parent span; null for the root span. */
  readonly parent: SpanRecord | null;
  readonly startUs: number;
  endUs: number;
  status: SpanStatus;
  /** `server` for a root span, `internal` for a child, until set otherwise (a call out is `client`). */
  kind: SpanKindName;
  /**
   * Attributes: MTI, STAN, RRN, terminal id, response code, issuer, error codes. Never card data.
   * Shared and frozen while empty (most stage spans never get one); set them with setAttribute.
   */
  attributes: Readonly<Record<string, AttributeValue>>;
  readonly #ids: IdSource;
  #spanId: string | null;

  constructor(name: string, ids: IdSource, parent: SpanRecord | null, startUs: number) {
    this.name = name;
    this.parent = parent;
    this.startUs = startUs;
    this.endUs = 0;
    this.status = 'unset';
    this.kind = parent === null ? 'server' : 'internal';
    this.attributes = NO_ATTRIBUTES;
    this.#ids = ids;
    this.#spanId = null;
  }

  /**
   * The span's id, drawn on first read: most stage spans are never exported, and an id nobody
   * reads need not exist. Random either way, so when it is drawn does not matter.
   */
  get spanId(): string {
    return (this.#spanId ??= this.#ids.spanId());
  }

  /** Parent span id; null for the root span. */
  get parentSpanId(): string | null {
    return this.parent === null ? null : this.parent.spanId;
  }

  /** Sets one attribute, giving the span its own attribute object on first use. */
  setAttribute(key: string, value: AttributeValue): void {
    if (this.attributes === NO_ATTRIBUTES) this.attributes = {};
    (this.attributes as Record<string, AttributeValue>)[key] = value;
  }

  /** Ends the span now (or at `endUs`) with a status. */
  end(status: SpanStatus = 'ok', endUs: number = nowUs()): void {
    this.endUs = endUs;
    this.status = status;
  }
}

export class TraceRecord {
  readonly traceId: string;
  readonly root: SpanRecord;
  /** Every span of the trace, the root first, in start order. */
  readonly spans: SpanRecord[];
  /**
   * The span of another process this trace continues (its traceparent came with the request):
   * the root span's parent, and the trace id is its. Null for a trace started here.
   */
  readonly remoteParent: RemoteParent | null;
  readonly #ids: IdSource;

  /** `remoteParent`: continue that trace (its id; the root a child of its span) instead of starting one. */
  constructor(ids: IdSource, rootName: string, startUs: number = nowUs(), remoteParent: RemoteParent | null = null) {
    this.#ids = ids;
    this.traceId = remoteParent === null ? ids.traceId() : remoteParent.traceId;
    this.remoteParent = remoteParent;
    this.root = new SpanRecord(rootName, ids, null, startUs);
    this.spans = [this.root];
  }

  /** Starts a child span of the root (or of `parent`). */
  startSpan(name: string, parent: SpanRecord = this.root, startUs: number = nowUs()): SpanRecord {
    const span = new SpanRecord(name, this.#ids, parent, startUs);
    this.spans.push(span);
    return span;
  }
}

/** Receives finished traces. export() must return at once: any I/O happens later, off the answer's path. */
export interface TraceSink {
  export(trace: TraceRecord): void;
  /**
   * Whether `trace` will be exported when it ends: the `sampled` flag its traceparent carries to
   * another process, so that the other process exports its part of the tree or not, alike.
   */
  isSampled(trace: TraceRecord): boolean;
  /** Sends what is still buffered and stops. */
  shutdown(): Promise<void>;
}

/** The sink when no exporter is configured. */
export const NOOP_TRACE_SINK: TraceSink = {
  export() {},
  isSampled: () => false,
  async shutdown() {},
};
