// Two nodes (each its Store, StoreSafQueue, links and AdviceForwarder) on one PostgreSQL database
// delivering one issuer's advices to a scripted issuer at the same time: each advice reaches the
// issuer and is acknowledged exactly once, never two at once, oldest first. And a store stopped
// under a forwarder: it says so, and delivers by itself once the store is back.

import { afterEach, describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../src/codec/index.js';
import { DEFAULT_REMOTE_ISSUER, type RemoteIssuerDefinition } from '../../src/issuer/index.js';
import { AdviceForwarder, type AcknowledgedAdvice } from '../../src/issuer/remote/advice-forwarder.js';
import { IssuerLinks } from '../../src/issuer/remote/issuer-links.js';
import { answerOf, CODEC, startIssuer } from '../link/helpers/issuer.js';
import { postgresPerFile } from '../helpers/postgres-file.js';
import { startPostgres } from '../helpers/postgres.js';
import { advice } from '../saf/helpers/saf-fixtures.js';
import { Cleanup } from '../transport/helpers/sockets.js';
import { openNode, type Node } from './helpers/saf-store.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const pgFile = postgresPerFile();

/** A forwarder for `acme` on `node`'s queue, on one link to `port`; resolves once the link is up. */
async function forwarder(node: Node, port: number, acknowledged: AcknowledgedAdvice[]): Promise<AdviceForwarder> {
  const def: RemoteIssuerDefinition = { ...DEFAULT_REMOTE_ISSUER, type: 'remote', name: 'acme', spec: 'iso87ascii', endpoints: [{ url: `tcp://127.0.0.1:${port}`, host: '127.0.0.1', port }] };
  const links = new IssuerLinks(def, CODEC, 2000, node.log);
  const up = new Promise<void>((resolve) => links.onUp(resolve));
  links.start();
  cleanup.add(() => links.close());
  await up;
  const f = new AdviceForwarder('acme', links, node.queue, CODEC, node.log, (a) => acknowledged.push(a));
  cleanup.add(() => f.close());
  return f;
}

describe('StoreSafQueue on two nodes', () => {
  it('issue #17: two nodes delivering one issuer\'s advices at once: each reaches the issuer and is acknowledged exactly once, one at a time, oldest first', async () => {
    const url = await pgFile.server.newDatabase();
    let inFlight = 0;
    let mostInFlight = 0;
    const issuer = await startIssuer(cleanup, (req: IsoMessage) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      return new Promise((resolve) => setTimeout(() => {
        inFlight--;
        resolve(answerOf(req));
      }, 5));
    });
    const a = await openNode(url, 'node-a', { pollMs: 50 });
    const b = await openNode(url, 'node-b', { pollMs: 50 });
    const byA: AcknowledgedAdvice[] = [];
    const byB: AcknowledgedAdvice[] = [];
    const fa = await forwarder(a, issuer.port, byA);
    const fb = await forwarder(b, issuer.port, byB);
    const ids: number[] = [];
    const acknowledged = (): number => byA.length + byB.length;
    // Paced, both woken each time (in turn first): the two race for the lease advice by advice.
    for (let i = 1; i <= 20; i++) {
      ids.push(await (i % 2 === 0 ? a : b).queue.enqueue(advice(i)));
      for (const f of i % 2 === 0 ? [fa, fb] : [fb, fa]) f.wake();
      await expect.poll(acknowledged, { timeout: 10_000, interval: 5 }).toBe(i);
    }
    // Then a burst queued by both while both deliver.
    for (let i = 21; i <= 40; i++) {
      ids.push(await (i % 2 === 0 ? a : b).queue.enqueue(advice(i)));
      fa.wake();
      fb.wake();
    }
    await expect.poll(acknowledged, { timeout: 20_000 }).toBe(40);
    expect(issuer.received.map((m) => [m.mti, m.get(11)])).toEqual(ids.map((_, i) => ['0420', String(i + 1).padStart(6, '0')]));
    // Both took part (the race is won by either side), yet no advice went twice.
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    expect(mostInFlight).toBe(1);
    expect([...byA, ...byB].map((x) => x.entry.id).sort((x, y) => x - y)).toEqual(ids);
    expect(await a.queue.next('acme')).toBeNull();
  }, 30_000);

  it('issue #17: a forwarder that cannot read the queue (the store stopped) says so and delivers by itself once the store is back', async () => {
    const pg = await startPostgres();
    cleanup.add(() => pg.stop());
    const issuer = await startIssuer(cleanup, (req: IsoMessage) => answerOf(req));
    const node = await openNode(pg.url, 'node-a', { pollMs: 100 });
    const acknowledged: AcknowledgedAdvice[] = [];
    const f = await forwarder(node, issuer.port, acknowledged);
    await pg.stopServer();
    f.wake();
    await expect.poll(() => node.log.events('saf.next_failed').length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(node.log.events('saf.next_failed')[0]).toMatchObject({ err: { code: 'STORE_UNAVAILABLE' } });
    await pg.startServer();
    const id = await node.queue.enqueue(advice(1));
    await expect.poll(() => acknowledged.map((a) => a.entry.id), { timeout: 15_000 }).toEqual([id]);
    expect(issuer.received.map((m) => m.mti)).toEqual(['0420']);
  }, 60_000);
});

