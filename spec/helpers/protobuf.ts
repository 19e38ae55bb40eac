// A minimal protobuf wire-format reader for tests (varint, fixed64, fixed32, length-delimited), and
// decoders for the OTLP trace messages an exporter sends. Test-only; never used by src/.

/** One field as it sits on the wire: varints in `varint`, everything else as raw bytes. */
export interface WireField {
  field: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wireType: 0 | 1 | 2 | 5;
  varint: bigint;
  bytes: Buffer;
}

const NO_BYTES = Buffer.alloc(0);

/** The varint at `at` and the offset after it. Throws on a truncated or over-long varint. */
export function readVarint(buf: Buffer, at: number): [bigint, number] {
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (at >= buf.length) throw new Error(`protobuf: varint runs past the end at byte ${at}`);
    const b = buf[at++];
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [value, at];
  }
  throw new Error(`protobuf: varint longer than 10 bytes before byte ${at}`);
}

/** Every field of one message, in wire order. Throws on truncation and on group wire types. */
export function readFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let at = 0;
  while (at < buf.length) {
    const [key, next] = readVarint(buf, at);
    at = next;
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    const need = (n: number): Buffer => {
      if (at + n > buf.length) throw new Error(`protobuf: field ${field} needs ${n} bytes at byte ${at}, ${buf.length - at} left`);
      const bytes = buf.subarray(at, at + n);
      at += n;
      return bytes;
    };
    if (wireType === 0) {
      const [value, after] = readVarint(buf, at);
      at = after;
      out.push({ field, wireType, varint: value, bytes: NO_BYTES });
    } else if (wireType === 1) {
      out.push({ field, wireType, varint: 0n, bytes: need(8) });
    } else if (wireType === 2) {
      const [length, after] = readVarint(buf, at);
      at = after;
      out.push({ field, wireType, varint: 0n, bytes: need(Number(length)) });
    } else if (wireType === 5) {
      out.push({ field, wireType, varint: 0n, bytes: need(4) });
    } else {
      throw new Error(`protobuf: wire type ${wireType} (field ${field}) is not supported`);
    }
  }
  return out;
}

/** An OTLP AnyValue: string, bool, int64 (as a number) or double; anything else is `undefined`. */
export type AnyValue = string | boolean | number | undefined;

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, AnyValue>;
  /** OTLP Status.code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

export interface DecodedScopeSpans {
  scopeName: string;
  spans: DecodedSpan[];
}

export interface DecodedResourceSpans {
  resourceAttributes: Record<string, AnyValue>;
  scopeSpans: DecodedScopeSpans[];
}

export interface DecodedTraceRequest {
  resourceSpans: DecodedResourceSpans[];
}

const text = (bytes: Buffer): string => bytes.toString('utf8');

function decodeAnyValue(buf: Buffer): AnyValue {
  let value: AnyValue;
  for (const f of readFields(buf)) {
    if (f.field === 1) value = text(f.bytes);
    else if (f.field === 2) value = f.varint !== 0n;
    else if (f.field === 3) value = Number(BigInt.asIntN(64, f.varint));
    else if (f.field === 4) value = f.bytes.readDoubleLE(0);
  }
  return value;
}

/** KeyValue messages (key = 1, value = 2) into a plain object. */
function decodeAttributes(fields: WireField[], fieldNumber: number): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  for (const f of fields) {
    if (f.field !== fieldNumber) continue;
    let key = '';
    let value: AnyValue;
    for (const kv of readFields(f.bytes)) {
      if (kv.field === 1) key = text(kv.bytes);
      else if (kv.field === 2) value = decodeAnyValue(kv.bytes);
    }
    out[key] = value;
  }
  return out;
}

function decodeSpan(buf: Buffer): DecodedSpan {
  const fields = readFields(buf);
  const span: DecodedSpan = {
    traceId: '', spanId: '', parentSpanId: '', name: '', kind: 0,
    startTimeUnixNano: 0n, endTimeUnixNano: 0n, attributes: decodeAttributes(fields, 9), statusCode: 0,
  };
  for (const f of fields) {
    if (f.field === 1) span.traceId = f.bytes.toString('hex');
    else if (f.field === 2) span.spanId = f.bytes.toString('hex');
    else if (f.field === 4) span.parentSpanId = f.bytes.toString('hex');
    else if (f.field === 5) span.name = text(f.bytes);
    else if (f.field === 6) span.kind = Number(f.varint);
    else if (f.field === 7) span.startTimeUnixNano = f.bytes.readBigUInt64LE(0);
    else if (f.field === 8) span.endTimeUnixNano = f.bytes.readBigUInt64LE(0);
    else if (f.field === 15) {
      for (const s of readFields(f.bytes)) if (s.field === 3) span.statusCode = Number(s.varint);
    }
  }
  return span;
}

function decodeScopeSpans(buf: Buffer): DecodedScopeSpans {
  const out: DecodedScopeSpans = { scopeName: '', spans: [] };
  for (const f of readFields(buf)) {
    if (f.field === 1) {
      for (const s of readFields(f.bytes)) if (s.field === 1) out.scopeName = text(s.bytes);
    } else if (f.field === 2) {
      out.spans.push(decodeSpan(f.bytes));
    }
  }
  return out;
}

function decodeResourceSpans(buf: Buffer): DecodedResourceSpans {
  const out: DecodedResourceSpans = { resourceAttributes: {}, scopeSpans: [] };
  for (const f of readFields(buf)) {
    if (f.field === 1) out.resourceAttributes = decodeAttributes(readFields(f.bytes), 1);
    else if (f.field === 2) out.scopeSpans.push(decodeScopeSpans(f.bytes));
  }
  return out;
}

/** An opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest, the fields tests look at. */
export function decodeExportTraceServiceRequest(buf: Buffer): DecodedTraceRequest {
  const out: DecodedTraceRequest = { resourceSpans: [] };
  for (const f of readFields(buf)) if (f.field === 1) out.resourceSpans.push(decodeResourceSpans(f.bytes));
  return out;
}
