// Cluster benchmark: what node:cluster's scheduling costs `serve --workers` (docs/store.md,
// Workers). Two workers echo on one port; this process opens connections and reports, for
// round-robin (the primary accepts and hands each connection to a worker) and for none (the
// workers accept themselves): the primary's CPU per connection over many short connections, and
// how 50 connections kept open split between the workers (opened at once, and one after another),
// in 3 alternating rounds.

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';

const SHORT_CONNECTIONS = Number(process.env.BENCH_CLUSTER_CONNECTIONS ?? 5000);
const AT_ONCE = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const POLICIES = ['rr', 'none'] as const;

/**
 * Opens `count` connections, `parallel` at a time (with `keep`, the first `parallel` at once and
 * then one per answer), each sending one byte and reading the answering worker's pid; `keep`: all
 * stay open until the last answers. Resolves with the connections per worker pid.
 */
async function connect(port: number, count: number, parallel: number, keep: boolean): Promise<Map<string, number>> {
  const byPid = new Map<string, number>();
  const open: Array<() => void> = [];
  let started = 0;
  let answered = 0;
  await new Promise<void>((resolve) => {
    const one = (): void => {
      if (started === count) return;
      started++;
      const s = createConnection({ host: '127.0.0.1', port }, () => s.write('x'));
      s.once('data', (pid: Buffer) => {
        byPid.set(pid.toString(), (byPid.get(pid.toString()) ?? 0) + 1);
        if (keep) open.push(() => s.destroy());
        else s.destroy();
        if (++answered === count) resolve();
        else one();
      });
    };
    for (let i = 0; i < parallel; i++) one();
  });
  for (const close of open) close();
  return byPid;
}

async function measure(policy: (typeof POLICIES)[number]): Promise<{ cpuUsPerConnection: number; split: number[]; oneByOne: number[] }> {
  const server = fork(new URL('./cluster-echo-server.js', import.meta.url), { stdio: 'inherit', env: { ...process.env, NODE_CLUSTER_SCHED_POLICY: policy } });
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    const split = [...(await connect(port, AT_ONCE, AT_ONCE, true)).values()].sort((a, b) => a - b);
    const oneByOne = [...(await connect(port, AT_ONCE, 1, true)).values()].sort((a, b) => a - b);
    server.send('mark');
    await connect(port, SHORT_CONNECTIONS, AT_ONCE, false);
    server.send('report');
    const [{ cpuUs }] = (await once(server, 'message')) as [{ cpuUs: number }];
    return { cpuUsPerConnection: cpuUs / SHORT_CONNECTIONS, split, oneByOne };
  } finally {
    server.disconnect();
    await once(server, 'exit');
  }
}

export async function run(): Promise<void> {
  console.log(`cluster: 2 workers on one port; primary CPU over ${SHORT_CONNECTIONS} short connections (${AT_ONCE} at a time), and the split of ${AT_ONCE} connections opened at once`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const policy of POLICIES) {
      const r = await measure(policy);
      console.log(`  round ${round} ${policy.padEnd(4)}  primary CPU ${r.cpuUsPerConnection.toFixed(1).padStart(6)} µs/connection   ${AT_ONCE} kept open split ${r.split.join('/')} (opened at once), ${r.oneByOne.join('/')} (one after another)`);
    }
  }
}
