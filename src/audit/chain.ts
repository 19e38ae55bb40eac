// The hash chain: how a record becomes a sealed line, and how a stored line is checked. Pure, no I/O.
// Canonical form = JSON.stringify of the record with `prev` as its last key and without `hash`;
// hash = hex SHA-256 of it, or HMAC-SHA-256 with the audit key. The sealed line appends `hash`.

import { createHmac, createSecretKey, hash as sha256Once, type KeyObject } from 'node:crypto';
import type { ChainMark } from './record.js';

export type { ChainMark } from './record.js';

/** The `prev` of the first record ever written: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** Hex digest of a canonical form (its text, or its UTF-8 bytes): SHA-256, or HMAC-SHA-256 when the log is keyed. */
export type Digest = (canonical: string | Uint8Array) => string;

const HEX64 = /^[0-9a-f]{64}$/;
// A sealed line ends with `"<64 hex>"}\n`: the hash sits 67 characters from the end.
const HASH_FROM_END = 67;
// What sealing adds to a body: `,"prev":"<64 hex>"` and `,"hash":"<64 hex>"`, and the newline,
// and room for the chain mark the first record of a file carries.
const SEAL_BYTES = 2 * (10 + 64) + 1 + 128;

/** The digest for `key` (null: plain SHA-256). The key is imported once, not per record. */
export function chainDigest(key: Buffer | null): Digest {
  if (key === null) return (canonical) => sha256Once('sha256', canonical, 'hex');
  const secret: KeyObject = createSecretKey(key);
  return (canonical) => createHmac('sha256', secret).update(canonical).digest('hex');
}

/** The most bytes sealInto writes for `body`. */
export function sealedBytesMax(body: string): number {
  return body.length * 3 + SEAL_BYTES;
}

/** The `"chain":{…}` key the first record of a file carries, as sealInto inserts it. */
export function chainMarkText(mark: ChainMark): string {
  return `"chain":{"keyed":${mark.keyed},"file":${mark.file},"records_before":${mark.records_before}}`;
}

/** The chain mark of a stored record, or null when it has none (not the first of a file, or an older writer's). */
export function chainMarkOf(record: Record<string, unknown>): ChainMark | null {
  const c = record.chain;
  if (typeof c !== 'object' || c === null) return null;
  const { keyed, file, records_before } = c as Record<string, unknown>;
  return typeof keyed === 'boolean' && typeof file === 'number' && typeof records_before === 'number' ? { keyed, file, records_before } : null;
}

/**
 * HOT: writes the stored line (with its newline) for `body`, the JSON.stringify of a record without
 * `prev` and `hash`, into `out` at `at` as UTF-8, and returns where it ends. Inserts `mark` (a
 * chainMarkText, or '') and `prev` as the last keys, then `hash` over that canonical form, hashed
 * as the bytes just written: the text is encoded once. `out` needs sealedBytesMax(body) bytes.
 */
export function sealInto(out: Buffer, at: number, body: string, prev: string, digest: Digest, mark = ''): number {
  let end = at + out.write(body, at, 'utf8') - 1; // over the closing brace
  // `{}` has no key to follow; any other object body ends in `}` after its last value.
  const keys = mark === '' ? `"prev":"${prev}"}` : `${mark},"prev":"${prev}"}`;
  end += out.write(end === at + 1 ? keys : `,${keys}`, end, 'latin1');
  const hash = digest(out.subarray(at, end));
  end += out.write(`,"hash":"${hash}"}\n`, end - 1, 'latin1') - 1;
  return end;
}

/** The hash of the line sealInto wrote into `out`, ending at `end`. */
export function hashOfSealed(out: Buffer, end: number): string {
  return out.toString('latin1', end - HASH_FROM_END, end - 3);
}

/** A stored line read back: its record (hash included) and hash, or why it is not a record. */
export type ParsedLine = { record: Record<string, unknown>; hash: string; prev: unknown } | { reason: string };

/** Parses one stored line (without its newline); does not check the chain. */
export function parseLine(text: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: `not valid JSON (${text.length} characters)` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { reason: 'not a JSON object' };
  const record = value as Record<string, unknown>;
  if (typeof record.hash !== 'string' || !HEX64.test(record.hash)) return { reason: 'no hash of 64 hex digits' };
  return { record, hash: record.hash, prev: record.prev };
}

/**
 * Checks a parsed line against the chain: its hash must be the digest of its canonical form, and
 * its prev the hash of the record before it. JSON.parse then JSON.stringify reproduces exactly the
 * text JSON.stringify wrote (key order, escapes, shortest numbers), so the canonical form is
 * recomputed from the parsed record. Returns null when the line holds, else the reason.
 */
export function checkLine(parsed: { record: Record<string, unknown>; hash: string; prev: unknown }, expectedPrev: string, digest: Digest): string | null {
  const { hash: _hash, ...rest } = parsed.record;
  if (digest(JSON.stringify(rest)) !== parsed.hash) return 'hash does not match the record: it was edited, or the key is wrong or missing';
  if (parsed.prev !== expectedPrev) return "prev does not match the previous record's hash: a record was removed, inserted or reordered";
  return null;
}
