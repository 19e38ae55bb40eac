// An Io that keeps what a command prints, line by line (stderr lines prefixed `ERR `), for calling a
// command's run function directly (tail -f, which runs until its signal). Test-only.

import type { Io } from '../../src/cli/io.js';

export function captureIo(): { io: Io; lines: string[] } {
  const lines: string[] = [];
  const io: Io = { out: (t) => void lines.push(...t.split('\n')), err: (t) => void lines.push(`ERR ${t}`), readStdin: async () => Buffer.alloc(0) };
  return { io, lines };
}
