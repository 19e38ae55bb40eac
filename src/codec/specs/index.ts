// Spec registry: built-in specs by name, compiled once and cached.

import { Codec } from '../codec.js';
import { SpecError } from '../errors.js';
import type { MessageSpec } from '../spec.js';
import { BUILTIN_SPECS } from './builtin.js';

export { BUILTIN_SPECS } from './builtin.js';
export { specFromFile } from './extend.js';

const cache = new Map<string, Codec>();

/** Names of the built-in specs. */
export function builtinSpecNames(): string[] {
  return Object.keys(BUILTIN_SPECS);
}

/** The built-in spec `name`; throws SpecError SPEC_NOT_FOUND listing the names that exist. */
export function builtinSpec(name: string): MessageSpec {
  const spec = Object.hasOwn(BUILTIN_SPECS, name) ? BUILTIN_SPECS[name] : undefined;
  if (spec === undefined) throw new SpecError('SPEC_NOT_FOUND', `spec ${name}`, `no built-in spec of that name (built in: ${builtinSpecNames().join(', ')})`);
  return spec;
}

/** The compiled codec of built-in spec `name`, compiled on first use. */
export function builtinCodec(name: string): Codec {
  let codec = cache.get(name);
  if (codec === undefined) {
    codec = new Codec(builtinSpec(name));
    cache.set(name, codec);
  }
  return codec;
}
