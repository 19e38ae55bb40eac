// `isotrace encode | isotrace decode` for every built-in spec: the same --header means the same
// thing on both commands (the spec's usual header by default), a TPDU in the JSON is written back,
// and with none given a tpdu header gets the default TPDU. Messages: each spec's golden fixtures.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtinSpec, builtinSpecNames, type MessageJson } from '../../src/codec/index.js';
import { runCli } from '../helpers/cli.js';
import { listCases } from '../helpers/fixtures.js';

const DEFAULT_TPDU = '6000120000';

/** The fixture's JSON without its frame header. */
function bare(json: MessageJson): MessageJson {
  const { header: _header, ...rest } = json;
  return rest;
}

/** encode with `flags`, then decode --json --reveal-sensitive of its output with the same flags. */
async function roundTrip(spec: string, json: unknown, flags: string[]): Promise<{ hex: string; back: MessageJson }> {
  const encoded = await runCli(['encode', '--spec', spec, ...flags], JSON.stringify(json));
  expect(encoded.stderr).toBe('');
  expect(encoded.code).toBe(0);
  const decoded = await runCli(['decode', '--spec', spec, '--file', '-', '--json', '--reveal-sensitive', ...flags], encoded.stdout);
  expect(decoded.stderr).toBe('');
  return { hex: encoded.stdout.trim(), back: JSON.parse(decoded.stdout) as MessageJson };
}

const rows = builtinSpecNames().flatMap((spec) => listCases(spec).map((c) => [`${spec}/${c.name}`, spec, bare(c.json)] as const));

describe('isotrace encode | isotrace decode', () => {
  it('has golden messages for every built-in spec', () => {
    expect([...new Set(rows.map(([, spec]) => spec))]).toEqual(builtinSpecNames());
  });

  it.each(rows)('issue #13: %s comes back as the same JSON without a header when both sides say --header none', async (_id, spec, json) => {
    expect((await roundTrip(spec, json, ['--header', 'none'])).back).toEqual(json);
  });

  it.each(rows)('issue #13: %s comes back as the same JSON behind its TPDU when both sides say --header tpdu', async (_id, spec, json) => {
    const withTpdu = { header: '6000340012', ...json };
    const { hex, back } = await roundTrip(spec, withTpdu, ['--header', 'tpdu']);
    expect(hex.startsWith('6000340012')).toBe(true);
    expect(back).toEqual(withTpdu);
  });

  it.each(rows)('issue #13: %s comes back behind the default TPDU with --header tpdu and no "header" in the JSON', async (_id, spec, json) => {
    const { hex, back } = await roundTrip(spec, json, ['--header', 'tpdu']);
    expect(hex.startsWith(DEFAULT_TPDU)).toBe(true);
    expect(back).toEqual({ header: DEFAULT_TPDU, ...json });
  });

  it.each(rows)('issue #13: %s comes back with the spec\'s usual header when neither side gives --header', async (_id, spec, json) => {
    const { back } = await roundTrip(spec, json, []);
    expect(back).toEqual(builtinSpec(spec).header === 'tpdu' ? { header: DEFAULT_TPDU, ...json } : json);
  });

  it('issue #13: writes back the TPDU of the JSON when --header is not given, whatever the spec usually travels with', async () => {
    const json = { header: '6000120034', mti: '0800', fields: { 7: '0612143015', 11: '000777', 70: '301' } };
    const r = await runCli(['encode', '--spec', 'iso87ascii'], JSON.stringify(json));
    expect(r.stdout.trim()).toBe(`6000120034${Buffer.from('0800822000000000000004000000000000000612143015000777301', 'latin1').toString('hex').toUpperCase()}`);
  });

  it('leaves the TPDU of the JSON out when --header none is given', async () => {
    const json = { header: '6000120034', mti: '0800', fields: { 7: '0612143015', 11: '000777', 70: '301' } };
    const r = await runCli(['encode', '--spec', 'iso87pos', '--header', 'none'], JSON.stringify(json));
    expect(r.stdout.trim()).toBe('08008220000000000000' + '0400000000000000' + '0612143015' + '000777' + '0301');
  });

  it('exits 1 naming the header when the JSON gives a TPDU that is not 5 bytes', async () => {
    const r = await runCli(['encode', '--spec', 'iso87pos'], JSON.stringify({ header: '600012', mti: '0800', fields: { 70: '301' } }));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('isotrace: CODEC_BAD_JSON header: a TPDU is 5 bytes (10 hex digits), "header" has 3 (byte 0)\n');
  });

  it('issue #13: encodes DE 55 given as a list of tags on iso87ascii, and decode lists the tags back', async () => {
    const tags = [{ tag: '9F27', value: '80' }, { tag: '9F36', value: '0027' }];
    const encoded = await runCli(['encode', '--spec', 'iso87ascii'], JSON.stringify({ mti: '0100', fields: { 3: '000000', 55: tags } }));
    expect([encoded.code, encoded.stderr]).toEqual([0, '']);
    const json = await runCli(['decode', '--spec', 'iso87ascii', '--hex', encoded.stdout, '--json', '--reveal-sensitive']);
    expect(JSON.parse(json.stdout).fields).toEqual({ 3: '000000', 55: '9F2701809F36020027' });
    const dump = await runCli(['decode', '--spec', 'iso87ascii', '--hex', encoded.stdout]);
    expect(dump.stdout).toContain('[redacted, 18 chars: 2 tags 9F27 9F36]');
  });

  it('issue #13: pipes encode into decode through the built bin/isotrace.js for iso87pos with no --header', () => {
    const bin = new URL('../../bin/isotrace.js', import.meta.url).pathname;
    const json = { mti: '0800', fields: { 7: '0612143015', 11: '000777', 70: '301' } };
    const hex = execFileSync('node', [bin, 'encode', '--spec', 'iso87pos'], { input: JSON.stringify(json), encoding: 'utf8' });
    const out = execFileSync('node', [bin, 'decode', '--spec', 'iso87pos', '--file', '-', '--json'], { input: hex, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ header: DEFAULT_TPDU, ...json });
  });
});
