// LoadRun on real sockets: answers of an echo server counted as 'no DE 39', and a request the
// server never answers counted as a timeout by the sweeping timer (manual clock, no waiting).

import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinCodec } from '../../../src/codec/index.js';
import { DEFAULT_LOAD_OPTIONS, LoadRun, type LoadOptions } from '../../../src/sim/index.js';
import { Resources } from '../../helpers/serve-harness.js';
import { cardFor } from '../../helpers/test-cards.js';
import { ManualClock } from '../../transport/helpers/manual-clock.js';

const resources = new Resources();
afterEach(() => resources.run());

/** A server on 127.0.0.1:0 calling `onSocket` per connection; closed after the test. */
async function listen(onSocket: (s: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    onSocket(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  resources.add(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as { port: number }).port;
}

function options(port: number, more: Partial<LoadOptions>): LoadOptions {
  return { ...DEFAULT_LOAD_OPTIONS, port, codec: builtinCodec('iso87ascii'), cards: [cardFor('00').pan], durationMs: 0, ...more };
}

describe('LoadRun', () => {
  it('counts answers under "none" without errors when the server echoes each request', async () => {
    const port = await listen((s) => s.pipe(s));
    const summary = await new LoadRun(options(port, { count: 50, connections: 3, mix: { auth: 3, purchase: 1, echo: 1 } })).run();
    expect(summary).toMatchObject({ sent: 50, answers: 50, responseCodes: { none: 50 }, timeouts: 0, errors: 0 });
  });

  it('counts a timeout and ends when the server never answers and the count is sent', async () => {
    const clock = new ManualClock();
    let arrived!: () => void;
    const received = new Promise<void>((resolve) => (arrived = resolve));
    const port = await listen((s) => s.once('data', () => arrived()));
    const run = new LoadRun(options(port, { count: 1, connections: 1, timeoutMs: 1000, clock }));
    const done = run.run();
    await received;
    clock.advance(999);
    expect(run.snapshot().timeouts).toBe(0);
    clock.advance(300);
    const summary = await done;
    expect(summary).toMatchObject({ sent: 1, answers: 0, timeouts: 1, errors: 0 });
  });
});
