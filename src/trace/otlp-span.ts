// Adapts our SpanRecord to the SDK's ReadableSpan, the shape OTLPTraceExporter serializes. Runs in
// the OTLP sink's batch flush, never on a message's path. No I/O; copies nothing but ids and times.

import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime, type Link, type SpanContext, type SpanStatus as OtelSpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { SpanKindName, SpanRecord, SpanStatus, TraceRecord } from './span.js';

/** The instrumentation scope every exported span carries. */
export const INSTRUMENTATION_SCOPE: InstrumentationScope = Object.freeze({ name: 'isotrace' });

const STATUS: Readonly<Record<SpanStatus, OtelSpanStatus>> = Object.freeze({
  unset: Object.freeze({ code: SpanStatusCode.UNSET }),
  ok: Object.freeze({ code: SpanStatusCode.OK }),
  error: Object.freeze({ code: SpanStatusCode.ERROR }),
});

const KIND: Readonly<Record<SpanKindName, SpanKind>> = Object.freeze({
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  internal: SpanKind.INTERNAL,
});

// Our spans have no links or events; the exporter only reads these arrays, so all spans share them.
const NO_LINKS = Object.freeze([]) as unknown as Link[];
const NO_EVENTS = Object.freeze([]) as unknown as TimedEvent[];

/** [seconds, nanoseconds] from microseconds since the epoch (or a duration in microseconds). */
export function hrTimeOfUs(us: number): HrTime {
  const seconds = Math.floor(us / 1e6);
  const nanos = Math.round((us - seconds * 1e6) * 1000);
  // A fractional microsecond can round up to a whole second.
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos];
}

/** The root span's parent when the trace continues another process's span (its traceparent), else undefined. */
function remoteContext(trace: TraceRecord): SpanContext | undefined {
  const remote = trace.remoteParent;
  if (remote === null) return undefined;
  return { traceId: trace.traceId, spanId: remote.spanId, traceFlags: remote.isSampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true };
}

/**
 * One of our finished spans seen as a ReadableSpan: our trace and span ids, the parent link,
 * the record's kind (SERVER for a message's root span, a child of the remote span its traceparent
 * named if any; CLIENT for a remote issuer call; INTERNAL for stage spans), times from startUs/endUs.
 * A span that was never ended gets the root's end (or its own start), so no span runs backwards.
 */
export class OtlpSpan implements ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: OtelSpanStatus;
  /** The record's own attribute object, not a copy: records must not change after export(). */
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly ended: boolean;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  readonly #context: SpanContext;

  constructor(trace: TraceRecord, span: SpanRecord, resource: Resource, scope: InstrumentationScope) {
    const isRoot = span.parent === null;
    const rootEndUs = trace.root.endUs;
    const endUs = Math.max(span.startUs, span.endUs > 0 ? span.endUs : rootEndUs);
    this.name = span.name;
    this.kind = KIND[span.kind];
    this.parentSpanContext = isRoot ? remoteContext(trace) : { traceId: trace.traceId, spanId: span.parent.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: false };
    this.startTime = hrTimeOfUs(span.startUs);
    this.endTime = hrTimeOfUs(endUs);
    this.duration = hrTimeOfUs(endUs - span.startUs);
    this.status = STATUS[span.status];
    this.attributes = span.attributes;
    this.links = NO_LINKS;
    this.events = NO_EVENTS;
    this.ended = true;
    this.resource = resource;
    this.instrumentationScope = scope;
    this.droppedAttributesCount = 0;
    this.droppedEventsCount = 0;
    this.droppedLinksCount = 0;
    this.#context = { traceId: trace.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: false };
  }

  spanContext(): SpanContext {
    return this.#context;
  }
}

/** Appends every span of `trace`, the root first, to `out` as ReadableSpans. */
export function appendOtlpSpans(trace: TraceRecord, resource: Resource, scope: InstrumentationScope, out: ReadableSpan[]): void {
  const spans = trace.spans;
  for (let i = 0; i < spans.length; i++) out.push(new OtlpSpan(trace, spans[i], resource, scope));
}
