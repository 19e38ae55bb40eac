// Every command-line error is one line, `isotrace: CODE message`, exit 2 for bad usage: commander's
// own errors (unknown option or command, missing value, extra arguments, bad choice) included.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isErrorCode } from '../../src/common/index.js';
import { ROOT } from '../helpers/child-serve.js';
import { runCli } from '../helpers/cli.js';

/** Every command and sub-command, as a person types it before its options. */
const COMMANDS: readonly string[][] = [
  [], ['decode'], ['encode'], ['serve'], ['load'], ['replay', 'fixtures/scenarios'],
  ['terminal', 'auth'], ['terminal', 'purchase'], ['terminal', 'reverse'], ['terminal', 'echo'], ['terminal', 'signon'],
  ['audit', 'list'], ['audit', 'show', 'x'], ['audit', 'verify'], ['audit', 'tail'],
  ['saf', 'list'], ['saf', 'show', '1'], ['saf', 'retry'], ['saf', 'purge'],
];

const ONE_LINE = /^isotrace: ([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+) [^\n]+\n$/;

/** The stderr line's code, after checking it is exactly one registered-code line. */
function codeOf(stderr: string): string {
  const m = ONE_LINE.exec(stderr);
  expect(m, stderr).not.toBeNull();
  expect(isErrorCode(m![1])).toBe(true);
  return m![1];
}

describe('isotrace usage errors', () => {
  it.each(COMMANDS.map((c) => [c.join(' ') || '(no command)', c] as const))('issue #13: %s --ammount: exactly one line with a code, exit 2', async (_name, command) => {
    const r = await runCli([...command, '--ammount', '5']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(codeOf(r.stderr)).toBe('CLI_UNKNOWN_OPTION');
    expect(r.stderr).toContain("unknown option '--ammount'");
  });

  it.each([['audit'], ['terminal'], ['saf']])('shows the help of %s on stderr and exits 2, as isotrace alone does, when its sub-command is missing', async (command) => {
    const r = await runCli([command]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toContain(`Usage: isotrace ${command} [options] [command]`);
  });

  it('still exits 0 for a help that was asked for (help audit, audit --help)', async () => {
    for (const argv of [['help', 'audit'], ['audit', '--help']]) expect((await runCli(argv)).code).toBe(0);
  });

  it('issue #13: names the option it guessed on the same line when the option is mistyped', async () => {
    const r = await runCli(['terminal', 'auth', '--ammount', '5']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "isotrace: CLI_UNKNOWN_OPTION unknown option '--ammount' (did you mean --amount?)\n" });
  });

  it.each<[string, string[], string, RegExp]>([
    ['an unknown command', ['serv'], 'CLI_UNKNOWN_COMMAND', /unknown command 'serv' \(did you mean serve\?\)/],
    ['an unknown sub-command', ['audit', 'lsit'], 'CLI_UNKNOWN_COMMAND', /unknown command 'lsit' \(did you mean list\?\)/],
    ['an option without its value', ['terminal', 'auth', '--port'], 'CLI_MISSING_ARGUMENT', /option '--port <port>' argument missing/],
    ['a missing argument', ['replay'], 'CLI_MISSING_ARGUMENT', /missing required argument 'paths'/],
    ['an extra argument', ['audit', 'show', 'a', 'b'], 'CLI_TOO_MANY_ARGUMENTS', /too many arguments for 'show'/],
    ['a value outside the choices', ['load', '--framing', 'ascii5'], 'CLI_BAD_VALUE', /argument 'ascii5' is invalid\. Allowed choices are ascii4, /],
    ['a bad port', ['terminal', 'echo', '--port', 'x'], 'CLI_BAD_VALUE', /--port expects a port number 1\.\.65535 \(got "x"\)/],
    ['options that do not go together', ['decode', '--hex', '00', '--file', 'x'], 'CLI_BAD_USAGE', /give exactly one of --hex HEX or --file F/],
    ['a file that cannot be read', ['decode', '--file', '/nonexistent/isotrace.hex'], 'CLI_FILE_ACCESS', /--file \/nonexistent\/isotrace\.hex: cannot read \(ENOENT\)/],
  ])('issue #13: prints one line with %s', async (_what, argv, code, pattern) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(codeOf(r.stderr)).toBe(code);
    expect(r.stderr).toMatch(pattern);
  });

  it('issue #13: prints one line and no help text on the real stderr of the built CLI', () => {
    const run = spawnSync(process.execPath, ['bin/isotrace.js', 'load', '--ammount', '5'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
      status: 2, stdout: '', stderr: "isotrace: CLI_UNKNOWN_OPTION unknown option '--ammount' (did you mean --count?)\n",
    });
  });
});

describe('isotrace durations', () => {
  it.each<[string, string[]]>([
    ['terminal --timeout', ['terminal', 'echo', '--timeout']],
    ['replay --timeout', ['replay', 'fixtures/scenarios', '--timeout']],
    ['load --timeout', ['load', '--timeout']],
    ['load --duration', ['load', '--duration']],
  ])('issue #13: %s refuses a non-duration in the shared syntax, naming the flag', async (_what, argv) => {
    const flag = argv.at(-1)!;
    const r = await runCli([...argv, '2 weeks']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `isotrace: CLI_BAD_VALUE ${flag} expects a duration such as 500 (ms), 500ms, 2s, 1.5s, 2m or 1h (got "2 weeks")\n` });
  });

  it('issue #13: replay takes --timeout 2s as terminal does', async () => {
    // The timeout is read before the paths: the complaint is about the missing file, not about 2s.
    const r = await runCli(['replay', '/nonexistent/scenario.json', '--timeout', '2s']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'isotrace: CLI_FILE_ACCESS /nonexistent/scenario.json: cannot read (ENOENT)\n' });
  });
});
