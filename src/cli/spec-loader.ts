// Resolves --spec: a built-in name, or a path to a JSON spec file that may extend a built-in or
// another file. The only place that reads spec files. Throws SpecError.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Codec, SpecError, builtinCodec, builtinSpec, builtinSpecNames, specFromFile, type MessageSpec } from '../codec/index.js';
import { jsonSyntaxProblem } from './json-syntax.js';

function looksLikePath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.json');
}

function readSpecFile(path: string, chain: string[]): MessageSpec {
  if (chain.includes(path)) {
    throw new SpecError('SPEC_EXTEND_CYCLE', path, `extends itself through ${[...chain, path].join(' -> ')}`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SpecError('SPEC_NOT_FOUND', path, `cannot read the spec file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SpecError('SPEC_INVALID', path, `not valid JSON (${jsonSyntaxProblem(err)})`, { cause: err });
  }
  const base = (name: string): MessageSpec =>
    looksLikePath(name) ? readSpecFile(resolve(dirname(path), name), [...chain, path]) : builtinSpec(name);
  return specFromFile(json, path, base);
}

/** The spec named by --spec: a built-in (`iso87ascii`) or a JSON spec file path. */
export function loadSpec(nameOrPath: string): MessageSpec {
  if (!looksLikePath(nameOrPath) && builtinSpecNames().includes(nameOrPath)) return builtinSpec(nameOrPath);
  if (!looksLikePath(nameOrPath)) {
    throw new SpecError('SPEC_NOT_FOUND', `spec ${nameOrPath}`, `not a built-in spec (${builtinSpecNames().join(', ')}) nor a path to a .json spec file`);
  }
  return readSpecFile(resolve(nameOrPath), []);
}

/** The compiled codec for --spec; built-ins come from the shared cache. */
export function loadCodec(nameOrPath: string): Codec {
  if (!looksLikePath(nameOrPath) && builtinSpecNames().includes(nameOrPath)) return builtinCodec(nameOrPath);
  return new Codec(loadSpec(nameOrPath));
}
