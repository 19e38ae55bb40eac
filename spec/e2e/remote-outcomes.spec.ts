// issue #15 end to end: terminal -> serve -> `isotrace issuer` over a real link, on two spec and
// framing pairs (iso87ascii terminal -> iso87binary/binary2 issuer with the trace in DE 63;
// iso87pos terminal with TPDU -> iso87ascii/ascii4 issuer with the trace in DE 48 TP). Every stub
// outcome comes back through the remote path with the terminal's own DE 11, 7, 41 and TPDU, never
// the trace field; the issuer's audit continues serve's trace, with the link's own STAN.

import { afterEach, describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../src/codec/index.js';
import { auditRecords } from '../helpers/audit-trail.js';
import { Resources } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, originalData, purchaseFields, type Terminal } from '../helpers/terminal.js';
import { request93 } from '../helpers/iso93.js';
import { ISSUER, owed, PAIRS, startRemote } from './helpers/remote.js';

const resources = new Resources();
afterEach(() => resources.run());

/** Every outcome of the stub a remote issuer answers (its 91 card waits 10 minutes: the timeout tests cover 91). */
const OUTCOMES = [
  ['00', ''], ['14', 'not in the file'], ['51', ''], ['54', ''], ['62', ''], ['41', ''], ['43', ''], ['61', ''], ['13', ''],
] as const;

async function exchange(t: Terminal, req: IsoMessage): Promise<{ res: IsoMessage; tpdu: string | null }> {
  t.send(req);
  const a = await t.nextAnswer();
  return { res: t.codec.unpack(a.bytes), tpdu: a.tpdu?.toString('hex') ?? null };
}

describe.each(PAIRS)('remote issuer: $name', (pair) => {
  it('issue #15: answers every stub outcome through the issuer host, with the terminal\'s own DE 11, 7, 41 and never the trace field', async () => {
    const { serve, issuer } = await startRemote(resources, pair);
    const t = await serve.terminal(pair.terminalOptions);
    const sent: IsoMessage[] = [];
    for (const [rc, hint] of OUTCOMES) {
      const card = cardFor(rc, hint);
      const req = message(serve.codec, '0100', purchaseFields(card.pan, card.expiry, 10_000, { 41: `TERM${rc}00` }));
      sent.push(req);
      const { res, tpdu } = await exchange(t, req);
      const where = `card ${rc} (${card.outcome})`;
      expect([res.mti, res.get(39)], where).toEqual(['0110', rc]);
      expect([res.get(11), res.get(7), res.get(41)], where).toEqual([req.get(11), req.get(7), req.get(41)]);
      expect(res.has(pair.traceDe), where).toBe(false);
      expect(res.has(38), where).toBe(rc === '00');
      if (rc === '00') expect(res.get(38)).toMatch(/^[0-9A-Z]{6}$/);
      expect(tpdu, where).toBe(pair.terminal.header === 'tpdu' ? '6000000012' : null);
    }
    await serve.stop();
    await issuer!.stop();
    const switchRecords = (await auditRecords(serve.auditDir)).filter((r) => r.request.mti === '0100');
    const issuerRecords = (await auditRecords(issuer!.auditDir)).filter((r) => r.request.mti === '0100');
    expect(switchRecords.map((r) => [r.route?.issuer, r.outcome.response_code])).toEqual(OUTCOMES.map(([rc]) => [ISSUER, rc]));
    // The issuer saw each request once, in the same trace as serve's record, under the link's own STAN.
    expect(issuerRecords.map((r) => [r.trace_id, r.outcome.response_code])).toEqual(switchRecords.map((r) => [r.trace_id, r.outcome.response_code]));
    for (const [i, r] of issuerRecords.entries()) {
      expect(r.request.terminal_id).toBe(sent[i].get(41));
      expect(r.request.stan).not.toBe(sent[i].get(11));
      expect(r.request.acquirer_id).toBe('123456');
    }
    expect(new Set(issuerRecords.map((r) => r.request.stan)).size).toBe(OUTCOMES.length);
  });

  it('issue #15: sends a terminal\'s reversal of a remote approval to the issuer, which releases its hold', async () => {
    const { serve, issuer, safDir } = await startRemote(resources, pair);
    const t = await serve.terminal(pair.terminalOptions);
    const card = cardFor('00');
    // USD 6,000.00 of the card's 10,000: a second one is approved only if the first was released.
    const purchase = (): IsoMessage => message(serve.codec, '0100', purchaseFields(card.pan, card.expiry, 600_000));
    const auth = purchase();
    expect((await exchange(t, auth)).res.get(39)).toBe('00');
    const reversal = message(serve.codec, '0400', { ...purchaseFields(card.pan, card.expiry, 600_000, { 11: auth.get(11) as string }), 90: originalData(auth) });
    const { res } = await exchange(t, reversal);
    expect([res.mti, res.get(39), res.get(11)]).toEqual(['0410', '00', auth.get(11)]);
    expect(res.has(pair.traceDe)).toBe(false);
    expect((await exchange(t, purchase())).res.get(39)).toBe('00');
    expect((await exchange(t, purchase())).res.get(39)).toBe('51');
    await serve.stop();
    await issuer!.stop();
    const issuerRecords = (await auditRecords(issuer!.auditDir)).filter((r) => r.request.mti !== '0800');
    expect(issuerRecords.map((r) => [r.request.mti, r.outcome.response_code])).toEqual([['0100', '00'], ['0400', '00'], ['0100', '00'], ['0100', '51']]);
    const switchRecords = (await auditRecords(serve.auditDir)).filter((r) => r.request.mti !== '0800');
    expect(issuerRecords.map((r) => r.trace_id)).toEqual(switchRecords.map((r) => r.trace_id));
    expect(await owed(safDir)).toEqual([]);
  });
});

describe('remote issuer across editions', () => {
  it('issue #15: a 1993 terminal (iso93ascii) is answered by a 1987 issuer in its own edition: 1110 with action codes', async () => {
    const pair = { ...PAIRS[0], terminal: { spec: 'iso93ascii', framing: 'ascii4' } };
    const { serve, issuer } = await startRemote(resources, pair);
    const t = await serve.terminal();
    const approved = await t.request(request93('1100', cardFor('00').pan));
    expect([approved.mti, approved.get(39), approved.has(38), approved.has(pair.traceDe)]).toEqual(['1110', '000', true, false]);
    const declined = await t.request(request93('1100', cardFor('51').pan, '000000010000'));
    expect([declined.mti, declined.get(39)]).toEqual(['1110', '116']);
    await serve.stop();
    await issuer!.stop();
    const seen = (await auditRecords(issuer!.auditDir)).filter((r) => r.request.mti !== '0800');
    expect(seen.map((r) => [r.request.mti, r.outcome.response_code])).toEqual([['0100', '00'], ['0100', '51']]);
  });
});
