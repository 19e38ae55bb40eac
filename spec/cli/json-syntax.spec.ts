import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonFile } from '../../src/cli/config.js';
import { jsonSyntaxProblem } from '../../src/cli/json-syntax.js';
import { runCli } from '../helpers/cli.js';

/** A public test card number; what follows its first 6 digits must never be printed. */
const PAN = '4111111111111111';

/** The error JSON.parse throws for `text`. */
function parseError(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (err) {
    return err;
  }
  throw new Error(`parsed: ${text}`);
}

const dir = mkdtempSync(join(tmpdir(), 'isotrace-json-syntax-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jsonSyntaxProblem', () => {
  it.each([
    [`{"2":=${PAN}}`, "Unexpected token '='"],
    [`x{"mti":"0100","fields":{"2":"${PAN}"}}`, "Unexpected token 'x'"],
    [`{"fields":{"2":"${PAN}","35":=${PAN}=2812}}`, "Unexpected token '='"],
    ['nope', "Unexpected token 'o'"],
    [`{"2":"${PAN}" "3":"000000"}`, "Expected ',' or '}' after property value in JSON at position 24"],
    ['', 'Unexpected end of JSON input'],
  ])('issue #13: keeps the reason and drops the quoted text when parsing %j fails', (text, reason) => {
    expect(jsonSyntaxProblem(parseError(text))).toBe(reason);
  });
});

describe('JSON read by the commands', () => {
  it('issue #13: encode names the problem without quoting stdin, so no card digits reach the error line', async () => {
    const r = await runCli(['encode'], `{"mti":"0100","fields":{"2":"${PAN}","35":=${PAN}=2812}}`);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "isotrace: CODEC_BAD_JSON message: stdin is not valid JSON (Unexpected token '=') (byte 0)\n" });
  });

  it('issue #13: replay names the problem of a scenario file without quoting it', async () => {
    const path = join(dir, 'pan.json');
    writeFileSync(path, `{"name":"x","steps":[{"send":{"mti":"0100","fields":{"2":=${PAN}}}}]}`);
    const r = await runCli(['replay', path]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `isotrace: CONFIG_INVALID ${path}: not valid JSON (Unexpected token '=')\n` });
  });

  it('issue #13: a cards file that is not JSON is refused without quoting its card numbers', () => {
    const path = join(dir, 'cards.json');
    writeFileSync(path, `{"cards":[{"pan":=${PAN}}]}`);
    expect(() => readJsonFile(path, 'cards')).toThrow(`cards ${path}: cannot read a JSON file (Unexpected token '=')`);
  });

  it('issue #13: a spec file that is not JSON is refused without quoting it', async () => {
    const path = join(dir, 'spec.json');
    writeFileSync(path, `{"name":"x","extends":"iso87ascii","fields":{"2":=${PAN}}}`);
    const r = await runCli(['decode', '--spec', path, '--hex', '00']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `isotrace: SPEC_INVALID ${path}: not valid JSON (Unexpected token '=')\n` });
  });
});
