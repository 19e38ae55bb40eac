// The baseline of the transport benchmark: a bare node:net echo server with ascii4 framing, as
// little code as echoing whole frames takes. Run as a child process; reports its port over IPC.

import { createServer } from 'node:net';
import { serveCpuAccounting } from './child.js';

const server = createServer({ noDelay: true }, (socket) => {
  let rest: Buffer | null = null;
  socket.on('data', (chunk: Buffer) => {
    const buf = rest === null ? chunk : Buffer.concat([rest, chunk]);
    rest = null;
    let pos = 0;
    while (buf.length - pos >= 4) {
      const len = (buf[pos] - 48) * 1000 + (buf[pos + 1] - 48) * 100 + (buf[pos + 2] - 48) * 10 + (buf[pos + 3] - 48);
      const end = pos + 4 + len;
      if (end > buf.length) break;
      socket.write(buf.subarray(pos, end)); // the whole frame, header included, as received
      pos = end;
    }
    if (pos < buf.length) rest = buf.subarray(pos);
  });
  socket.on('error', () => {});
});

server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, () => {
  const a = server.address();
  process.send!({ port: typeof a === 'object' && a !== null ? a.port : 0 });
});
serveCpuAccounting();

