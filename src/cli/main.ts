// The isotrace command line: parses argv with commander and dispatches to one file per command.
// Exit codes: 0 ok, 1 a failed check or an invalid message, 2 bad usage.

import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit/index.js';
import { runDecode } from './commands/decode.js';
import { registerIssuer } from './commands/issuer.js';
import { runEncode } from './commands/encode.js';
import { registerLoad } from './commands/load.js';
import { registerReplay } from './commands/replay.js';
import { registerSaf } from './commands/saf/index.js';
import { registerTerminal } from './commands/terminal.js';
import { runServe } from './commands/serve.js';
import { packageVersion } from './package-info.js';
import { AUDIT_OPTIONS, SERVE_OPTIONS } from './serve-options.js';
import { addOptionFlags } from './option-flags.js';
import { headerOption, specOption } from './options.js';
import { EXIT, PROCESS_IO, UsageError, errorLine, type Io, type UsageCode } from './io.js';

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('isotrace')
    .description('ISO 8583 payment switch with end-to-end traceability')
    .version(packageVersion())
    .exitOverride()
    // Commander's own error text (several lines) is dropped here: main() prints it as one line.
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()), outputError: () => {} });

  program
    .command('decode')
    .description('describe a message given as hex (sensitive values masked)')
    .addOption(specOption())
    .option('--hex <hex>', 'the message bytes as hex (no length header)')
    .option('--file <path>', "a file holding the message as hex ('-' for stdin)")
    .option('--binary', '--file holds raw bytes rather than hex')
    .addOption(headerOption())
    .option('--json', 'print {"mti", "fields"} as JSON')
    .option('--reveal-sensitive', 'show PAN, track, PIN and ICC data in clear (for a terminal, never for logs)')
    .addHelpText('after', '\nExample:\n  isotrace decode --spec iso87ascii --hex 30313030...')
    .action(async (opts) => setExit(await runDecode(opts, io)));

  program
    .command('encode')
    .description('build a message from {"mti", "fields"} JSON on stdin; prints uppercase hex')
    .addOption(specOption())
    .addOption(headerOption())
    .addHelpText('after', [
      '\nA TPDU header writes the JSON\'s "header", or 6000120000 when it has none.',
      '\nExamples:',
      `  echo '{"mti":"0800","fields":{"7":"0612143015","11":"000777","70":"301"}}' | isotrace encode`,
      '  isotrace encode --spec iso87pos < msg.json | isotrace decode --spec iso87pos --file -',
    ].join('\n'))
    .action(async (opts) => setExit(await runEncode(opts, io)));

  const serve = program
    .command('serve')
    .description('run the switch (default 127.0.0.1:8583, iso87ascii, ascii4, in-process issuer stub)')
    .option('--config <file>', 'a JSON file of options (keys as below in camelCase); also ISOTRACE_CONFIG');
  addOptionFlags(serve, [...SERVE_OPTIONS, ...AUDIT_OPTIONS]);
  serve
    .addHelpText('after', '\nExample:\n  isotrace serve --port 8583 --spec iso87ascii --framing ascii4 --log-level info')
    .action(async (opts) => setExit(await runServe(opts, io)));

  registerAudit(program, io, setExit);
  registerIssuer(program, io, setExit);
  registerSaf(program, io, setExit);

  // Further commands register here, one call each: registerX(program, io, setExit) from ./commands/x.js.
  registerLoad(program, io, setExit);
  registerReplay(program, io, setExit);
  registerTerminal(program, io, setExit);

  return program;
}

/** Commander's error codes as ours; any other commander error is a bad value. */
const COMMANDER_CODES: Readonly<Record<string, UsageCode>> = Object.freeze({
  'commander.unknownOption': 'CLI_UNKNOWN_OPTION',
  'commander.unknownCommand': 'CLI_UNKNOWN_COMMAND',
  'commander.missingArgument': 'CLI_MISSING_ARGUMENT',
  'commander.optionMissingArgument': 'CLI_MISSING_ARGUMENT',
  'commander.missingMandatoryOptionValue': 'CLI_MISSING_ARGUMENT',
  'commander.excessArguments': 'CLI_TOO_MANY_ARGUMENTS',
  'commander.conflictingOption': 'CLI_BAD_USAGE',
});

/**
 * Commander's error as one of ours, on one line: `error: unknown option '--ammount'` and
 * `(Did you mean --amount?)` become `unknown option '--ammount' (did you mean --amount?)`.
 */
export function usageErrorOf(err: CommanderError): UsageError {
  const text = err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').replace('(Did you mean', '(did you mean');
  return new UsageError(text, COMMANDER_CODES[err.code] ?? 'CLI_BAD_VALUE');
}

/** Runs the CLI with `argv` (without node and script); resolves to the process exit code. */
export async function main(argv: string[], io: Io = PROCESS_IO): Promise<number> {
  // `isotrace replay --help | head`: a reader that goes away early is not an error of ours.
  if (io === PROCESS_IO) process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  let code: number = EXIT.OK;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // 'commander.help' with exit code 1 is a command given without its sub-command: the help
      // went to stderr as for `isotrace` alone, and it is bad usage (2), as there.
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || (err.code === 'commander.help' && err.exitCode === 0);
      if (!ok && err.code !== 'commander.help') io.err(errorLine(usageErrorOf(err)));
      return ok ? EXIT.OK : EXIT.USAGE;
    }
    io.err(errorLine(err)); // not ours to expect: still one line (CLI_INTERNAL), never a stack
    return EXIT.INVALID;
  }
  return code;
}
