import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const EXAMPLES = JSON.parse(
  readFileSync(new URL('../../fixtures/worked-examples/worked-examples.json', import.meta.url), 'utf8'),
) as Array<{ hex: string; fields: Record<string, string>; header_hex: string }>;
const ASCII_0100 = EXAMPLES[0];
const POS_0100 = EXAMPLES[1];

describe('isotrace decode', () => {
  it('prints a masked dump with field names when given hex', async () => {
    const r = await runCli(['decode', '--spec', 'iso87ascii', '--hex', ASCII_0100.hex]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('MTI 0100  authorization request');
    expect(r.stdout).toMatch(/DE {3}2 {2}n\.\.19 +Primary account number +411111\*{6}1111/);
    expect(r.stdout).toContain('[redacted, 4 digits]');
    expect(r.stdout).not.toContain('4111111111111111');
    expect(r.stdout).not.toContain('2812');
  });

  it('prints {mti, fields} with masked values when --json is given', async () => {
    const r = await runCli(['decode', '--hex', ASCII_0100.hex, '--json']);
    const json = JSON.parse(r.stdout);
    expect(json.mti).toBe('0100');
    expect(json.fields['2']).toBe('411111******1111');
    expect(json.fields['14']).toBe('***');
    expect(json.fields['43']).toBe(ASCII_0100.fields['43']);
    expect(Object.keys(json.fields)).toEqual(Object.keys(ASCII_0100.fields));
  });

  it('shows sensitive values in clear only when --reveal-sensitive is given', async () => {
    const r = await runCli(['decode', '--hex', ASCII_0100.hex, '--json', '--reveal-sensitive']);
    expect(JSON.parse(r.stdout).fields).toEqual(ASCII_0100.fields);
  });

  it('splits off the TPDU and withholds track 2, PIN block and DE 55 when the spec travels behind one', async () => {
    const r = await runCli(['decode', '--spec', 'iso87pos', '--hex', POS_0100.hex, '--json']);
    const json = JSON.parse(r.stdout);
    expect(json.header).toBe(POS_0100.header_hex);
    expect(json.fields['35']).toBe('***');
    expect(json.fields['52']).toBe('***');
    expect(json.fields['55']).toBe('***');
    expect(r.stdout).not.toContain('4111111111111111');
  });

  it('reads hex from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isotrace-'));
    const file = join(dir, 'msg.hex');
    writeFileSync(file, `${ASCII_0100.hex.slice(0, 40)}\n${ASCII_0100.hex.slice(40)}\n`);
    const r = await runCli(['decode', '--file', file, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).fields['11']).toBe('123456');
  });

  it('exits 1 with one line naming code, field and byte when the message is invalid', async () => {
    const bad = ASCII_0100.hex.replace(/^(.{40})3136/, '$13231'); // DE 2 length 16 -> 21, over max 19
    const r = await runCli(['decode', '--hex', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('isotrace: CODEC_LENGTH_EXCEEDS_MAX field 2: length 21 exceeds max 19 (byte 20)\n');
    expect(r.stdout).toBe('');
  });

  it.each([
    [['decode', '--hex', 'zz'], /--hex: character 1 is not a hex digit/],
    [['decode'], /exactly one of --hex HEX or --file F/],
    [['decode', '--spec', 'nope', '--hex', '00'], /SPEC_NOT_FOUND/],
    [['decode', '--header', 'weird', '--hex', '00'], /invalid/],
    [['decode', '--bogus'], /unknown option/],
  ])('exits 2 on bad usage: %j', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('isotrace encode', () => {
  it('packs the JSON form to the exact bytes of the worked example', async () => {
    const r = await runCli(['encode', '--spec', 'iso87ascii'], JSON.stringify({ mti: '0100', fields: ASCII_0100.fields }));
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(ASCII_0100.hex);
  });

  it('puts the TPDU back in front when the JSON carries a header', async () => {
    const decoded = await runCli(['decode', '--spec', 'iso87pos', '--hex', POS_0100.hex, '--json', '--reveal-sensitive']);
    const r = await runCli(['encode', '--spec', 'iso87pos'], decoded.stdout);
    expect(r.stdout.trim()).toBe(POS_0100.hex);
  });

  it('accepts DE 55 as a list of tags', async () => {
    const fields = { 3: '000000', 55: [{ tag: '9F26', value: '8E1F5B4C3D2A1907' }, { tag: '95', value: '0000008000' }] };
    const r = await runCli(['encode', '--spec', 'iso87binary'], JSON.stringify({ mti: '0100', fields }));
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('01002000000000000200' + '000000' + '0018' + '9F26088E1F5B4C3D2A1907' + '95050000008000');
  });

  it('exits 1 naming the field when a value does not fit', async () => {
    const r = await runCli(['encode'], JSON.stringify({ mti: '0800', fields: { 7: '06121430150' } }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^isotrace: CODEC_BAD_LENGTH field 7: value length 11, field takes exactly 10 \(byte 20\)\n$/);
  });

  it('exits 1 when stdin is not JSON', async () => {
    const r = await runCli(['encode'], '{not json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/CODEC_BAD_JSON/);
  });
});

describe('bin/isotrace.js', () => {
  it('runs the built CLI and returns its exit code', () => {
    const bin = new URL('../../bin/isotrace.js', import.meta.url).pathname;
    const out = execFileSync('node', [bin, 'decode', '--hex', ASCII_0100.hex, '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out).mti).toBe('0100');
    let code = 0;
    try {
      execFileSync('node', [bin, 'decode', '--hex', '30'], { stdio: 'pipe' });
    } catch (err) {
      code = (err as { status: number }).status;
    }
    expect(code).toBe(1);
  });
});
