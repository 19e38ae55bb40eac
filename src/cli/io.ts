// Console I/O for commands: where output goes, how errors become one line and an exit code.
// Commands receive an Io so tests can capture what a person would see.

import { SwitchError } from '../shared/index.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<Buffer>;
}

export const EXIT = { OK: 0, INVALID: 1, USAGE: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A usage problem (bad flag value, missing input): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
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

/** One line for stderr: the code first for SwitchErrors, so scripts can grep it. */
export function errorLine(err: unknown): string {
  if (err instanceof SwitchError) return `isotrace: ${err.code} ${err.message}`;
  if (err instanceof Error) return `isotrace: ${err.message}`;
  return `isotrace: ${String(err)}`;
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
