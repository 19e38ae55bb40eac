// AdviceForwarder against a scripted issuer over a real link (IssuerLinks) and a real queue: the
// advices owed to one issuer go oldest first, one at a time, each acknowledged once; one not
// answered is repeated as 0421 (same advice, same STAN) once the queue's backoff has run.

import { afterEach, describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../../src/codec/index.js';
import { DEFAULT_REMOTE_ISSUER, type RemoteIssuerDefinition } from '../../../src/issuer/index.js';
import { AdviceForwarder, type AcknowledgedAdvice } from '../../../src/issuer/remote/advice-forwarder.js';
import { IssuerLinks } from '../../../src/issuer/remote/issuer-links.js';
import type { SafQueue } from '../../../src/saf/index.js';
import { LogCollector } from '../../helpers/log-collector.js';
import { advice, openQueue, safDir } from '../../saf/helpers/saf-fixtures.js';
import { answerOf, CODEC, startIssuer, type Reply } from '../../link/helpers/issuer.js';
import { until } from '../../transport/helpers/servers.js';
import { Cleanup } from '../../transport/helpers/sockets.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface Forwarding {
  queue: SafQueue;
  forwarder: AdviceForwarder;
  acknowledged: AcknowledgedAdvice[];
  log: LogCollector;
}

/** A forwarder for `acme` on one link to an issuer answering with `decide`, its queue backing off `retryInitialMs`; resolves once the link is up. */
async function forwarding(decide: (req: IsoMessage) => Reply, retryInitialMs = 1000, timeoutMs = 2000): Promise<Forwarding> {
  const issuer = await startIssuer(cleanup, decide);
  const def: RemoteIssuerDefinition = {
    ...DEFAULT_REMOTE_ISSUER, type: 'remote', name: 'acme', spec: 'iso87ascii', endpoints: [{ url: `tcp://127.0.0.1:${issuer.port}`, host: '127.0.0.1', port: issuer.port }],
  };
  const log = new LogCollector('debug');
  const links = new IssuerLinks(def, CODEC, timeoutMs, log);
  const up = new Promise<void>((resolve) => links.onUp(resolve));
  links.start();
  cleanup.add(() => links.close());
  await up;
  const queue = await openQueue(safDir(), { retryInitialMs });
  const acknowledged: AcknowledgedAdvice[] = [];
  const forwarder = new AdviceForwarder('acme', links, queue, CODEC, log, (a) => acknowledged.push(a));
  cleanup.add(() => forwarder.close());
  return { queue, forwarder, acknowledged, log };
}

describe('AdviceForwarder', () => {
  it('issue #15: delivers the advices owed to its issuer oldest first, one at a time, each acknowledged once', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const received: IsoMessage[] = [];
    // Each answer is held a while, so that a second advice sent before it would be seen in flight.
    const f = await forwarding((req) => {
      received.push(req);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      return new Promise((resolve) => setTimeout(() => {
        inFlight--;
        resolve(answerOf(req));
      }, 20));
    });
    for (const i of [1, 2, 3]) await f.queue.enqueue(advice(i));
    await f.queue.enqueue(advice(4, 'zenith')); // another issuer's: not this forwarder's
    f.forwarder.wake();
    await until(() => f.acknowledged.length === 3, 'three acknowledgements');
    expect(received.map((m) => [m.mti, m.get(11)])).toEqual([['0420', '000001'], ['0420', '000002'], ['0420', '000003']]);
    expect(mostInFlight).toBe(1);
    expect(f.acknowledged.map((a) => [a.entry.id, a.entry.attempts, a.sent.mti, a.answer.get(39)])).toEqual([[1, 1, '0420', '00'], [2, 1, '0420', '00'], [3, 1, '0420', '00']]);
    expect(f.queue.entries('acme')).toEqual([]);
    expect(f.queue.entries('zenith').map((e) => e.id)).toEqual([4]);
    f.forwarder.wake(); // nothing more owed: nothing sent again
    await f.forwarder.close();
    expect(received).toHaveLength(3);
  });

  it('issue #15: repeats an advice not answered as 0421 with the same STAN once the queue\'s backoff has run', async () => {
    const received: Array<{ msg: IsoMessage; atMs: number }> = [];
    const retryInitialMs = 200;
    const f = await forwarding((req) => {
      received.push({ msg: req, atMs: Date.now() });
      return received.length === 1 ? null : answerOf(req); // the first send is never answered
    }, retryInitialMs, 100);
    await f.queue.enqueue(advice(7));
    f.forwarder.wake();
    await until(() => f.acknowledged.length === 1, 'the acknowledgement');
    expect(received.map(({ msg }) => [msg.mti, msg.get(11), msg.get(2)])).toEqual([['0420', '000007', advice(7).fields[2]], ['0421', '000007', advice(7).fields[2]]]);
    expect(received[1].atMs - received[0].atMs).toBeGreaterThanOrEqual(retryInitialMs - 5); // not before the backoff
    expect(f.acknowledged[0]).toMatchObject({ entry: { id: 1, attempts: 2 }, sent: { mti: '0421' } });
    expect(f.log.events('saf.delivery_failed')).toEqual([expect.objectContaining({ id: 1, mti: '0420', attempts: 1, err: { code: 'REQUEST_TIMEOUT' } })]);
    expect(f.queue.entries()).toEqual([]);
  });
});
