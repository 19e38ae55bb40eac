// `isotrace --version` prints the version package.json names, not a copy of it kept in the code.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('isotrace --version', () => {
  it("prints package.json's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect({ code: r.code, stdout: r.stdout.trim() }).toEqual({ code: 0, stdout: version });
  });
});
