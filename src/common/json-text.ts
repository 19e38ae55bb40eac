// JSON text built by hand on hot paths (audit records, txn.done lines): the one string-literal
// writer, giving exactly what JSON.stringify gives.

// Characters JSON.stringify escapes: the quote, the backslash, controls and lone surrogates.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** HOT: a JSON string literal, exactly as JSON.stringify writes it; most values need no escaping. */
export function jsonString(v: string): string {
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
}
