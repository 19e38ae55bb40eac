// Load client of the switch benchmark: N terminal connections, each sending 0100s for an
// approvable test card (its own terminal id, a new STAN each time) and waiting for each answer.
// Counts answers and approvals after a warm-up; reports rate and p50/p99/p99.9 over IPC.

import type { Socket } from 'node:net';
import { createHistogram } from 'node:perf_hooks';
import { builtinCodec, IsoMessage } from '../src/codec/index.js';
import { approvingCards } from '../src/cli/test-cards.js';
import { connectAndMeasure } from './child.js';

const [port, connections, durationMs, warmupMs] = process.argv.slice(2).map(Number);
const codec = builtinCodec('iso87ascii');
// The load-test card of fixtures/issuer: the approving card with the largest balance.
const CARD = process.env.BENCH_PAN ?? approvingCards().sort((a, b) => b.balance - a.balance)[0].pan;

/** The framed 0100 of terminal `i` with STAN 999999, and where those six digits sit. */
function template(i: number): { frame: Buffer; stanAt: number } {
  const msg = new IsoMessage('0100')
    .set(2, CARD).set(3, '000000').set(4, '000000000001').set(7, '1123120000').set(11, '999999')
    .set(12, '120000').set(13, '1123').set(14, '3012').set(18, '5999').set(22, '012').set(25, '00')
    .set(32, '123456').set(41, `LT${String(i).padStart(6, '0')}`).set(42, 'BENCHMERCHANT01').set(49, '840');
  const body = codec.pack(msg, 4);
  body.write(String(body.length - 4).padStart(4, '0'), 0, 'latin1');
  return { frame: body, stanAt: body.indexOf('999999', 4, 'latin1') };
}

const histogram = createHistogram();
let answers = 0;
let approvals = 0;
let isMeasuring = false;
let isDone = false;

function start(socket: Socket, i: number): void {
  const { frame, stanAt } = template(i);
  let stan = 0;
  let pending: Buffer | null = null;
  let sentAt = 0;
  const send = (): void => {
    stan = stan === 999_998 ? 1 : stan + 1;
    frame.write(String(stan).padStart(6, '0'), stanAt, 'latin1');
    sentAt = performance.now();
    socket.write(Buffer.from(frame)); // a copy: the template is patched again before the write may finish
  };
  socket.on('data', (chunk: Buffer) => {
    let buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
    pending = null;
    while (buf.length >= 4) {
      const len = Number(buf.toString('latin1', 0, 4));
      if (buf.length < 4 + len) break;
      const now = performance.now();
      if (isMeasuring) {
        answers++;
        if (codec.unpack(buf, 4, 4 + len).get(39) === '00') approvals++;
        histogram.record(Math.max(1, Math.round((now - sentAt) * 1e6)));
      }
      buf = buf.subarray(4 + len);
      if (isDone) return;
      send();
    }
    if (buf.length > 0) pending = Buffer.from(buf);
  });
  socket.on('error', (err) => {
    if (!isDone) throw err;
  });
  send();
}

connectAndMeasure(port, connections, start, {
  warmupMs,
  durationMs,
  onMeasuring() {
    isMeasuring = true;
    process.send!('measuring'); // the parent reads the server's CPU time from here on
  },
  onDone(seconds) {
    isMeasuring = false;
    isDone = true;
    return {
      answers, approvals, seconds, perSecond: answers / seconds,
      p50us: histogram.percentile(50) / 1000, p99us: histogram.percentile(99) / 1000, p999us: histogram.percentile(99.9) / 1000,
    };
  },
});
