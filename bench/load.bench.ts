// Load generator benchmark: `isotrace load`'s engine in this process against the bare ascii4 echo
// server of the transport benchmark in a child process, 50 connections each waiting for its
// answer, 10 s at the maximum rate. Prints round trips/s (target >= 40k) and latency percentiles.

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { builtinCodec } from '../src/codec/index.js';
import { approvingCards } from '../src/cli/test-cards.js';
import { runLoad } from '../src/sim/index.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
// The load-test card of fixtures/issuer: the approving card with the largest balance.
const CARD = approvingCards().sort((a, b) => b.balance - a.balance)[0].pan;

export async function run(): Promise<void> {
  const server = fork(new URL('./bare-echo-server.js', import.meta.url), { stdio: 'inherit' });
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    const s = await runLoad({ port, codec: builtinCodec('iso87ascii'), cards: [CARD], connections: CONNECTIONS, durationMs: DURATION_MS, mix: { auth: 90, purchase: 5, echo: 5 } });
    const l = s.latencyMs;
    console.log(`load: isotrace load engine vs bare node:net echo (ascii4), ${CONNECTIONS} connections each waiting for its answer, ${DURATION_MS / 1000} s, mix auth=90,purchase=5,echo=5`);
    console.log(`  ${Math.round(s.throughput).toLocaleString('en-US').padStart(9)} round trips/s (target ≥ 40,000)   p50 ${l.p50} ms   p99 ${l.p99} ms   p99.9 ${l.p999} ms   max ${l.max} ms   timeouts ${s.timeouts}   errors ${s.errors}`);
  } finally {
    server.disconnect();
    await once(server, 'exit');
  }
}
