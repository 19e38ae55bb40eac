// issue #15 end to end, the link's faults with serve and `isotrace issuer` in-process over real
// sockets: no link up answers 91 at once and owes nothing; a silent issuer (--drop-rate 1) answers
// 91 no earlier than the timeout and owes exactly one reversal advice per request; the second
// endpoint takes over when the first is a closed port. (The +25 ms bound past the timeout is
// unit-tested with a manual clock in spec/link/client.spec.ts.)

import { afterEach, describe, expect, it } from 'vitest';
import { auditRecords } from '../helpers/audit-trail.js';
import { Resources } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields, type Terminal } from '../helpers/terminal.js';
import { closedPort, ISSUER, owed, PAIRS, startRemote, until } from './helpers/remote.js';

const resources = new Resources();
afterEach(() => resources.run());

const [PAIR] = PAIRS;
const card = cardFor('00');

/** Sends an approving purchase; resolves with its answer's DE 39 and how long it took, ms. */
async function timedPurchase(t: Terminal, tid = 'TERM0001'): Promise<{ rc: unknown; stan: unknown; tookMs: number }> {
  const req = message(t.codec, '0100', purchaseFields(card.pan, card.expiry, 1_000, { 41: tid }));
  const started = performance.now();
  const res = await t.request(req);
  expect(res.get(11)).toBe(req.get(11));
  return { rc: res.get(39), stan: req.get(11), tookMs: performance.now() - started };
}

describe('remote issuer link faults', () => {
  it('issue #15: answers 91 at once when no link is up, and owes the issuer nothing (nothing was sent)', async () => {
    const { serve, safDir } = await startRemote(resources, PAIR, { noIssuer: true, def: { timeoutMs: 10_000 } });
    await serve.log.next('link.retry');
    const t = await serve.terminal();
    for (let i = 0; i < 3; i++) {
      const { rc, tookMs } = await timedPurchase(t);
      expect(rc).toBe('91');
      expect(tookMs).toBeLessThan(5_000); // not the issuer's 10 s timeout: no link, no wait
    }
    expect(await owed(safDir)).toEqual([]);
    expect(serve.log.events('saf.queued')).toEqual([]);
    await serve.stop();
    const records = await auditRecords(serve.auditDir);
    expect(records.map((r) => [r.route?.issuer, r.outcome.response_code, r.error?.code])).toEqual(Array(3).fill([ISSUER, '91', 'ISSUER_UNAVAILABLE']));
  });

  it('issue #15: answers 91 no earlier than the timeout when the issuer is silent, with exactly one reversal advice owed per request', async () => {
    const timeoutMs = 300;
    const { serve, issuer, safDir } = await startRemote(resources, PAIR, { issuer: { dropRate: 1 }, def: { timeoutMs, signOn: false } });
    const terminals = await Promise.all([1, 2, 3].map(() => serve.terminal()));
    const answers = await Promise.all(terminals.map((t, i) => timedPurchase(t, `TERM000${i}`)));
    for (const a of answers) {
      expect(a.rc).toBe('91');
      expect(a.tookMs).toBeGreaterThanOrEqual(timeoutMs);
    }
    // Each advice was on disk before its 91 left; the issuer drops the advices too, so they stay owed.
    const entries = await owed(safDir);
    expect(entries.map((e) => [e.issuer, e.mti, e.reason])).toEqual(Array(3).fill([ISSUER, '0420', 'timeout']));
    await issuer!.stop();
    await serve.stop();
    // Each names (DE 90: MTI, STAN) one request the issuer received, and no two the same one.
    const received = (await auditRecords(issuer!.auditDir)).filter((r) => r.request.mti === '0100').map((r) => `0100${r.request.stan}`);
    expect(received).toHaveLength(3);
    expect(entries.map((e) => e.fields[90].slice(0, 10)).sort()).toEqual(received.sort());
    expect(entries.map((e) => e.fields[2])).toEqual(Array(3).fill(card.pan));
  });

  it('issue #15: fails over to the second endpoint when the first is a closed port, and answers through it', async () => {
    const dead = await closedPort();
    const { serve, issuer } = await startRemote(resources, PAIR, { ports: (live) => [dead, live!] });
    const up = await serve.log.next('link.up');
    expect(up).toMatchObject({ issuer: ISSUER, endpoint: `127.0.0.1:${issuer!.port}` });
    expect(serve.log.events('link.failover')[0]).toMatchObject({ issuer: ISSUER, from: `127.0.0.1:${dead}`, to: `127.0.0.1:${issuer!.port}` });
    const t = await serve.terminal();
    expect((await timedPurchase(t)).rc).toBe('00');
    await until('the issuer\'s record', async () => ((await auditRecords(issuer!.auditDir)).some((r) => r.request.mti === '0100') ? true : undefined));
  });
});
