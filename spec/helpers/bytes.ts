// Byte builders for codec tests: hex and ASCII pieces, concatenation, copies with bytes replaced or
// cut off, and a codec built from a spec-file object. Test-only; never used by src/.

import { Codec, builtinSpec, specFromFile, type SpecFile } from '../../src/codec/index.js';

/** Bytes from hex; spaces and newlines are ignored so layouts can be written byte by byte. */
export function hex(text: string): Buffer {
  const clean = text.replace(/\s+/g, '');
  if (!/^(?:[0-9A-Fa-f]{2})*$/.test(clean)) throw new Error(`hex(): not whole hex bytes: ${text}`);
  return Buffer.from(clean, 'hex');
}

/** Bytes from text, one byte per character (latin1). */
export function ascii(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** The pieces one after another, in a new buffer. */
export function cat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

/** A copy of `buf` with the bytes from `at` replaced by `replacement` (same length). */
export function patch(buf: Uint8Array, at: number, replacement: Uint8Array): Buffer {
  if (at + replacement.length > buf.length) throw new Error('patch(): replacement runs past the end');
  const out = Buffer.copyBytesFrom(buf);
  out.set(replacement, at);
  return out;
}

/** A copy of the first `length` bytes of `buf`. */
export function cut(buf: Uint8Array, length: number): Buffer {
  return Buffer.copyBytesFrom(buf, 0, length);
}

/** Uppercase hex of bytes, for readable expectations. */
export function hexOf(buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('hex').toUpperCase();
}

/** A codec for a spec file (usually `extends` a built-in plus field overrides), named `test.json`. */
export function codecFor(file: SpecFile): Codec {
  return new Codec(specFromFile(file, 'test.json', builtinSpec));
}

/** The error `fn` throws; fails the test when it returns instead. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`threw a non-Error: ${String(err)}`);
  }
  throw new Error('expected a throw, but the call returned');
}
