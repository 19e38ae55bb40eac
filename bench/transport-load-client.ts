// Load client of the transport benchmark: N connections, each sending one ascii4 frame and waiting
// for its echo before the next. Counts round trips after a warm-up and reports them over IPC with
// the p50/p99 latency. Bare node:net, the same for every server measured.

import type { Socket } from 'node:net';
import { createHistogram } from 'node:perf_hooks';
import { connectAndMeasure } from './child.js';

const [port, connections, durationMs, warmupMs, bodyBytes] = process.argv.slice(2).map(Number);

const frame = Buffer.alloc(4 + bodyBytes, 0x30);
frame.write(String(bodyBytes).padStart(4, '0'), 0, 'latin1');

const histogram = createHistogram();
let roundTrips = 0;
let isMeasuring = false;
let isDone = false;

function start(socket: Socket): void {
  let received = 0;
  let sentAt = performance.now();
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    while (received >= frame.length) {
      received -= frame.length;
      const now = performance.now();
      if (isMeasuring) {
        roundTrips++;
        histogram.record(Math.max(1, Math.round((now - sentAt) * 1e6)));
      }
      if (isDone) return;
      sentAt = now;
      socket.write(frame); // never modified, so sharing it across writes is safe
    }
  });
  socket.on('error', (err) => {
    if (!isDone) throw err;
  });
  socket.write(frame);
}

connectAndMeasure(port, connections, start, {
  warmupMs,
  durationMs,
  onMeasuring() {
    isMeasuring = true;
    process.send!({ isMeasuring: true });
  },
  onDone(seconds) {
    isMeasuring = false;
    isDone = true;
    return { roundTrips, seconds, perSecond: roundTrips / seconds, p50us: histogram.percentile(50) / 1000, p99us: histogram.percentile(99) / 1000 };
  },
});
