// Public surface of src/trace: ids, span records, the sink interface and the OTLP exporter.

export { IdSource } from './ids.js';
export { nowUs } from './clock.js';
export { SpanRecord, TraceRecord, NOOP_TRACE_SINK } from './span.js';
export type { AttributeValue, SpanStatus, TraceSink } from './span.js';
