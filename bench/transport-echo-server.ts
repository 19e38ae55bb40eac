// The measured side of the transport benchmark: FrameServer with ascii4 framing and a handler that
// answers each frame with its own bytes. Run as a child process; reports its port over IPC.

import { FrameServer } from '../src/transport/index.js';
import { serveCpuAccounting } from './child.js';

const server = new FrameServer((frame) => frame, { host: '127.0.0.1', port: 0, framing: 'ascii4', maxConnectionsPerAddress: 10_000 });
const { port } = await server.listen();
process.send!({ port });
serveCpuAccounting();

