// Golden fixtures: bytes made by an independent packer (fixtures/messages/pack_reference.py) must
// decode to exactly the committed .json and re-encode to exactly the same bytes.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { builtinSpecNames, decodeTlv, encodeTlv, fromJson, toHex, toJson } from '../../src/codec/index.js';
import { MESSAGES_DIR, caseBytes, fixtureCodec, fixtureSpecs, listCases, specFilePath, type GoldenCase } from '../helpers/fixtures.js';

const cases = listCases();
const rows = cases.map((c) => [`${c.spec}/${c.name}`, c] as const);

function decode(c: GoldenCase) {
  const codec = fixtureCodec(c.spec);
  const { header, message } = caseBytes(c);
  const msg = codec.unpack(message);
  if (header.length > 0) msg.header = Buffer.from(header);
  return { codec, msg, message };
}

/** Case names listed in the first column of a folder README's table (`| \`name\` | ...`). */
function readmeCases(spec: string): string[] {
  const text = readFileSync(join(MESSAGES_DIR, spec, 'README.md'), 'utf8');
  return [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
}

describe('golden fixtures', () => {
  it.each(rows)('%s decodes to exactly its .json', (_id, c) => {
    const { codec, msg } = decode(c);
    expect(toJson(codec, msg, { reveal: true })).toEqual(c.json);
  });

  it.each(rows)('%s re-encodes its decoded message byte-identically', (_id, c) => {
    const { codec, msg, message } = decode(c);
    expect(toHex(codec.pack(msg))).toBe(toHex(message));
  });

  it.each(rows)('%s packs from its .json to exactly its .hex', (_id, c) => {
    const codec = fixtureCodec(c.spec);
    const msg = fromJson(codec, c.json);
    const header = msg.header ?? Buffer.alloc(0);
    expect(toHex(Buffer.concat([header, codec.pack(msg)]))).toBe(c.hex);
  });

  const tlvRows = rows.filter(([, c]) => fixtureCodec(c.spec).fields[55]?.isBinary === true && c.json.fields['55'] !== undefined);
  it.each(tlvRows)('%s carries DE 55 as BER-TLV that re-encodes byte-identically', (_id, c) => {
    const { msg } = decode(c);
    const icc = msg.get(55) as Buffer;
    const nodes = decodeTlv(icc);
    expect(nodes.length).toBeGreaterThan(0);
    expect(toHex(encodeTlv(nodes))).toBe(toHex(icc));
  });
});

describe('golden fixture set', () => {
  const bySpec = (spec: string) => cases.filter((c) => c.spec === spec).length;

  it('has at least 27 cases over the built-in specs and at least 6 per built-in spec', () => {
    const builtins = builtinSpecNames();
    expect(builtins.map((s) => [s, bySpec(s) >= 6])).toEqual(builtins.map((s) => [s, true]));
    expect(builtins.reduce((n, s) => n + bySpec(s), 0)).toBeGreaterThanOrEqual(27);
  });

  it('reads every custom folder with its fixtures/specs file and has at least 2 cases in it', () => {
    const custom = fixtureSpecs().filter((s) => !builtinSpecNames().includes(s));
    expect(custom.length).toBeGreaterThanOrEqual(4);
    for (const spec of custom) {
      expect(existsSync(specFilePath(spec)), spec).toBe(true);
      expect(fixtureCodec(spec).name).toBe(spec);
      expect(bySpec(spec), spec).toBeGreaterThanOrEqual(2);
    }
  });

  it.each(fixtureSpecs())('%s/README.md has one row per case and no row without a case', (spec) => {
    const listed = readmeCases(spec);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(listCases(spec).map((c) => c.name));
  });

  it('keeps the primer worked examples at their documented sizes (section 4: 181, 177 and 77 bytes)', () => {
    const bytesOf = (spec: string, name: string) => (cases.find((c) => c.spec === spec && c.name === name)?.hex.length ?? 0) / 2;
    expect(bytesOf('iso87ascii', '0100-moto-purchase')).toBe(181);
    expect(bytesOf('iso87pos', '0100-chip-pin')).toBe(177);
    expect(bytesOf('iso87pos', '0110-chip-approved')).toBe(77);
  });
});
