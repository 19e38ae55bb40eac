// W3C Trace Context `traceparent` (version 00): `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`,
// the form in which a trace crosses an ISO 8583 link. Pure text; no I/O, never throws.

/** A span of another process that a trace continues from: its trace, its span, its sampled flag. */
export interface RemoteParent {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero: the parent of the trace's root span. */
  readonly spanId: string;
  /** The `sampled` bit of the trace flags. */
  readonly isSampled: boolean;
}

/** The length of a version 00 traceparent: 2 + 1 + 32 + 1 + 16 + 1 + 2. */
export const TRACEPARENT_LENGTH = 55;

/** `00-<traceId>-<spanId>-01` (sampled) or `-00`: ids as the trace records hold them (lowercase hex). */
export function formatTraceparent(traceId: string, spanId: string, isSampled: boolean): string {
  return `00-${traceId}-${spanId}-${isSampled ? '01' : '00'}`;
}

const FLAGS_RE = /^[0-9a-f]{2}$/;

/** True when text[from, to) is lowercase hex and not all zeros. */
function isIdHex(text: string, from: number, to: number): boolean {
  let isZero = true;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const isHex = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
    if (!isHex) return false;
    if (c !== 0x30) isZero = false;
  }
  return !isZero;
}

/**
 * The parent a traceparent names, or null when `text` is not a valid version 00 traceparent: the
 * exact length, dashes in place, lowercase hex, trace and span id not all zeros, flags two hex
 * digits (W3C Trace Context §3.2; other versions are not read).
 */
export function parseTraceparent(text: string): RemoteParent | null {
  if (text.length !== TRACEPARENT_LENGTH || !text.startsWith('00-') || text[35] !== '-' || text[52] !== '-') return null;
  if (!isIdHex(text, 3, 35) || !isIdHex(text, 36, 52)) return null;
  const flags = text.slice(53, 55);
  if (!FLAGS_RE.test(flags)) return null;
  return { traceId: text.slice(3, 35), spanId: text.slice(36, 52), isSampled: (Number.parseInt(flags, 16) & 1) === 1 };
}
