import { describe, expect, it } from 'vitest';
import { SERVE_OPTIONS } from '../../src/cli/serve-options.js';
import { durationMs } from '../../src/cli/duration.js';
import { runCli } from '../helpers/cli.js';

/** Room a client keeps beyond the issuer timeout for connecting, queueing and the answer's way back, ms. */
const MARGIN_MS = 2000;

/** The default of `--timeout` that `isotrace <argv> --help` shows, in ms. */
async function helpTimeoutMs(argv: string[]): Promise<number> {
  const run = await runCli([...argv, '--help']);
  const m = /--timeout <[^>]+>[\s\S]*?\(default: "?([^")]+)"?\)/.exec(run.stdout);
  expect(m, `${argv.join(' ')} --help shows a --timeout default`).not.toBeNull();
  return durationMs(m![1]);
}

describe('default timeouts', () => {
  it.each([
    [['terminal', 'auth']],
    [['terminal', 'reverse']],
    [['load']],
    [['replay']],
  ])("issue #13: the switch's issuer timeout sits well inside the default wait of %j", async (argv) => {
    const issuerTimeoutMs = Number(SERVE_OPTIONS.find((o) => o.name === 'issuerTimeoutMs')!.default);
    expect(await helpTimeoutMs(argv)).toBeGreaterThanOrEqual(issuerTimeoutMs + MARGIN_MS);
  });
});
