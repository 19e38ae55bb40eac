// Golden message fixtures (fixtures/messages/<spec>/<case>.hex + .json) and the codec each folder
// is read with: a built-in spec of the folder's name, or fixtures/specs/<folder>.json over one.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Codec, builtinCodec, builtinSpec, builtinSpecNames, specFromFile, type MessageJson } from '../../src/codec/index.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const MESSAGES_DIR = join(FIXTURES_DIR, 'messages');

export interface GoldenCase {
  /** Folder name: a built-in spec name or a fixtures/specs/<spec>.json file. */
  spec: string;
  /** File stem, e.g. '0100-moto-purchase'. */
  name: string;
  /** The .hex file's one line: header (if any) + message, uppercase. */
  hex: string;
  /** Header hex ('' when the message travels without one); its bytes lead `hex`. */
  header: string;
  /** The expected decode, as toJson(codec, msg, { reveal: true }) renders it (+ "header"). */
  json: MessageJson;
}

/** Names of the folders under fixtures/messages, sorted. */
export function fixtureSpecs(): string[] {
  return readdirSync(MESSAGES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Every case of one folder (or of all folders), sorted by spec then name. */
export function listCases(spec?: string): GoldenCase[] {
  return (spec === undefined ? fixtureSpecs() : [spec]).flatMap((s) => {
    const dir = join(MESSAGES_DIR, s);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => {
        const name = f.slice(0, -'.json'.length);
        const json = JSON.parse(readFileSync(join(dir, f), 'utf8')) as MessageJson;
        const hex = readFileSync(join(dir, `${name}.hex`), 'utf8').trim();
        return { spec: s, name, hex, header: json.header ?? '', json };
      });
  });
}

/** The header bytes and the message bytes of a case. */
export function caseBytes(c: GoldenCase): { header: Buffer; message: Buffer } {
  const all = Buffer.from(c.hex, 'hex');
  const split = c.header.length / 2;
  return { header: all.subarray(0, split), message: all.subarray(split) };
}

/** Path of the spec file for a custom folder (fixtures/specs/<spec>.json). */
export function specFilePath(spec: string): string {
  return join(FIXTURES_DIR, 'specs', `${spec}.json`);
}

const codecs = new Map<string, Codec>();

/** The codec a fixture folder is read with. */
export function fixtureCodec(spec: string): Codec {
  if (builtinSpecNames().includes(spec)) return builtinCodec(spec);
  let codec = codecs.get(spec);
  if (codec === undefined) {
    const path = specFilePath(spec);
    if (!existsSync(path)) throw new Error(`fixtures/messages/${spec} is neither a built-in spec nor fixtures/specs/${spec}.json`);
    codec = new Codec(specFromFile(JSON.parse(readFileSync(path, 'utf8')), path, builtinSpec));
    codecs.set(spec, codec);
  }
  return codec;
}
