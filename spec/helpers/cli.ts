// Runs the CLI in-process with captured output, as a person at a terminal would see it.

import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `isotrace ...argv` with `stdin` as standard input. */
export async function runCli(argv: string[], stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => {
      stdout += t.endsWith('\n') ? t : `${t}\n`;
    },
    err: (t) => {
      stderr += t.endsWith('\n') ? t : `${t}\n`;
    },
    readStdin: async () => Buffer.from(stdin, 'utf8'),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
