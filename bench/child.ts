// Shared pieces of the benchmark child processes: CPU accounting over IPC for servers, and the
// connect-all / warm-up / measure window of the load clients.

import { createConnection, type Socket } from 'node:net';

/** For a server child: 'mark' starts CPU accounting, 'report' answers with the CPU µs since; exits with its parent. */
export function serveCpuAccounting(): void {
  process.on('disconnect', () => process.exit(0));
  let cpuMark = process.cpuUsage();
  process.on('message', (m) => {
    if (m === 'mark') cpuMark = process.cpuUsage();
    else if (m === 'report') {
      const d = process.cpuUsage(cpuMark);
      process.send!({ cpuUs: d.user + d.system });
    }
  });
}

export interface Window {
  warmupMs: number;
  durationMs: number;
  /** Called when measuring starts (after the warm-up). */
  onMeasuring(): void;
  /** Called when measuring ends, with the measured seconds; its result is sent to the parent. */
  onDone(seconds: number): object;
}

/**
 * For a load client child: opens `connections` sockets to 127.0.0.1:`port`, calls `start` on each,
 * and once all are up runs the window; then closes them, sends the result and exits.
 */
export function connectAndMeasure(port: number, connections: number, start: (socket: Socket, i: number) => void, window: Window): void {
  const sockets: Socket[] = [];
  let connected = 0;
  const begin = (): void => {
    setTimeout(() => {
      window.onMeasuring();
      const t0 = performance.now();
      setTimeout(() => {
        const result = window.onDone((performance.now() - t0) / 1000);
        for (const s of sockets) s.destroy();
        process.send!(result, () => process.exit(0));
      }, window.durationMs);
    }, window.warmupMs);
  };
  for (let i = 0; i < connections; i++) {
    const s = createConnection({ host: '127.0.0.1', port, noDelay: true }, () => {
      start(s, i);
      if (++connected === connections) begin();
    });
    sockets.push(s);
  }
}
