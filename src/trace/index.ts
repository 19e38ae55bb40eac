// Public surface of src/trace: ids, span records, the sink interface and the OTLP exporter.

export { IdSource } from './ids.js';
export { nowUs } from './clock.js';
export { formatTraceparent, parseTraceparent, TRACEPARENT_LENGTH } from './context.js';
export type { RemoteParent } from './context.js';
export { SpanRecord, TraceRecord, NOOP_TRACE_SINK } from './span.js';
export type { AttributeValue, SpanKindName, SpanStatus, TraceSink } from './span.js';
export { RatioSampler, parseSampleRatio } from './ratio-sampler.js';
export { OtlpSink, createOtlpSink } from './otlp-sink.js';
export { DEFAULT_OTLP_SINK_OPTIONS, OTLP_PROTOCOLS, otlpProtocolOf, resolveOtlpSinkOptions } from './otlp-sink-options.js';
export type { OtlpSinkStats } from './otlp-sink.js';
export type { OtlpProtocol, OtlpSinkOptions } from './otlp-sink-options.js';
export { otlpResourceSettings, parseResourceAttributes } from './otlp-resource.js';
export type { OtlpResourceSettings } from './otlp-resource.js';
