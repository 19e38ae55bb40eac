// The measured side of the cluster benchmark: a node:cluster primary with two workers, each a bare
// echo server on the shared port that answers every chunk with its pid; the scheduling policy is
// the environment's (NODE_CLUSTER_SCHED_POLICY rr or none), as `serve --workers` leaves it. The
// primary reports its port, then its own CPU on 'mark' / 'report' (bench/child.ts).

import cluster from 'node:cluster';
import { createServer } from 'node:net';
import { serveCpuAccounting } from './child.js';

const WORKERS = 2;

if (cluster.isPrimary) {
  let ready = 0;
  for (let i = 0; i < WORKERS; i++) {
    cluster.fork().on('message', (m: { port: number }) => {
      if (++ready === WORKERS) process.send!({ port: m.port });
    });
  }
  serveCpuAccounting();
  process.on('disconnect', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
  });
} else {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', () => socket.write(String(process.pid)));
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
}
