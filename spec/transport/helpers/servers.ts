// Starting servers for tests: bound to 127.0.0.1 port 0, registered for cleanup.

import { FrameServer, type FrameHandler, type ServerOptions } from '../../../src/transport/index.js';
import type { Cleanup } from './sockets.js';

export async function startServer(cleanup: Cleanup, handler: FrameHandler, options: ServerOptions = {}): Promise<{ server: FrameServer; port: number }> {
  const server = new FrameServer(handler, { host: '127.0.0.1', port: 0, ...options });
  cleanup.add(() => server.close());
  const { port } = await server.listen();
  return { server, port };
}

/** Resolves on the next turn of the event loop at which `cond()` holds (checked each turn, no timers). */
export async function until(cond: () => boolean, what = 'condition', maxTurns = 5_000_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (cond()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting for ${what}`);
}
