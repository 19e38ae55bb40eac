// Console I/O for commands: where output goes, how errors become one line and an exit code.
// Commands receive an Io so tests can capture what a person would see.

import { ConfigError, SwitchError, type ErrorCode } from '../common/index.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<Buffer>;
}

export const EXIT = { OK: 0, INVALID: 1, USAGE: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The command-line codes of the registry: what a UsageError may carry. */
export type UsageCode = Extract<ErrorCode, `CLI_${string}`>;

/** A usage problem (bad flag value, missing input): exit code 2. `code` defaults to CLI_BAD_VALUE. */
export class UsageError extends SwitchError {
  constructor(message: string, code: UsageCode = 'CLI_BAD_VALUE') {
    super(code, message);
  }
}

/**
 * `parse()`'s value; a ConfigError it throws (a value the layers below refuse, such as a mix or an
 * amount) becomes CLI_BAD_VALUE naming `flag`, as every flag's bad value is.
 */
export function flagValue<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new UsageError(`${flag}: ${err.message.slice(err.path.length + 2)}`);
  }
}

export const PROCESS_IO: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
};

/**
 * Runs a command's `body`, turning a throw into one line on stderr and an exit code: 2 for a
 * UsageError or whatever `isUsage` also counts as bad usage (a missing directory), 1 for anything else.
 */
export async function runReportingErrors(io: Io, body: () => Promise<ExitCode>, isUsage: (err: unknown) => boolean = () => false): Promise<ExitCode> {
  try {
    return await body();
  } catch (err) {
    io.err(errorLine(err));
    return err instanceof UsageError || isUsage(err) ? EXIT.USAGE : EXIT.INVALID;
  }
}

/**
 * One line for stderr, `isotrace: CODE message`: the code first, so scripts can grep it. Anything
 * that is not one of our errors is a bug of ours: CLI_INTERNAL, with its message on the same line.
 */
export function errorLine(err: unknown): string {
  const line = err instanceof SwitchError ? `${err.code} ${err.message}` : `CLI_INTERNAL ${err instanceof Error ? err.message : String(err)}`;
  return `isotrace: ${line.replace(/\s*\n\s*/g, ' ')}`;
}

/** Parses hex with optional whitespace; a UsageError names the offending position. */
export function parseHex(text: string, what: string): Buffer {
  const clean = text.replace(/\s+/g, '');
  const bad = clean.search(/[^0-9A-Fa-f]/);
  if (bad >= 0) throw new UsageError(`${what}: character ${bad + 1} is not a hex digit`);
  if (clean.length % 2 !== 0) throw new UsageError(`${what}: odd number of hex digits (${clean.length})`);
  if (clean.length === 0) throw new UsageError(`${what}: no bytes given`);
  return Buffer.from(clean, 'hex');
}
