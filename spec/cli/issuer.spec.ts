// `isotrace issuer` as it starts itself (issuerConfig + startIssuer) on 127.0.0.1:0: every stub
// outcome over the wire on two spec/framing pairs, holds released by reversals exactly once,
// network management, and its own audit trail.

import { afterEach, describe, expect, it } from 'vitest';
import { responseMti } from '../../src/codec/index.js';
import { auditRecords } from '../helpers/audit-trail.js';
import { issuer, Resources, type Served } from '../helpers/serve-harness.js';
import { cardFor, testCards } from '../helpers/test-cards.js';
import { message, networkFields, originalData, purchaseFields, type Terminal } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

/** The spec/framing pairs the issuer is driven on: ISO87BPackager behind binary2, ISO87APackager behind ascii4. */
const PAIRS = [
  { spec: 'iso87binary', framing: 'binary2' },
  { spec: 'iso87ascii', framing: 'ascii4' },
] as const;

async function start(pair: (typeof PAIRS)[number], flags: Record<string, unknown> = {}): Promise<{ host: Served; t: Terminal }> {
  const host = await issuer(resources, { ...pair, issuerTimeoutMs: 200, ...flags });
  return { host, t: await host.terminal({ framing: pair.framing }) };
}

/** The issuer routes every card to its stub: a card no route of serve's would take is an unknown card (14) here. */
const expectedRc = (rc: string): string => (rc === '15' ? '14' : rc);

describe.each(PAIRS)('isotrace issuer on $spec behind $framing', (pair) => {
  it('answers every stub outcome over the wire, each 0100 and 0200 with its own DE 39', async () => {
    const { host, t } = await start(pair);
    for (const card of testCards()) {
      for (const mti of ['0100', '0200']) {
        const answer = await t.request(message(host.codec, mti, purchaseFields(card.pan, card.expiry)));
        expect([answer.mti, answer.get(39), card.pan.slice(0, 6)]).toEqual([responseMti(mti), expectedRc(card.rc), card.pan.slice(0, 6)]);
        expect(answer.has(38)).toBe(card.rc === '00');
      }
    }
    const seen = new Set(testCards().map((c) => expectedRc(c.rc)));
    expect([...seen].sort()).toEqual(['00', '13', '14', '41', '43', '51', '54', '61', '62', '91']);
  });

  it('answers 0800 sign-on, sign-off and echo with 0810 00, DE 70 echoed', async () => {
    const { host, t } = await start(pair);
    for (const code of ['001', '002', '301']) {
      const answer = await t.request(message(host.codec, '0800', networkFields(code)));
      expect([answer.mti, answer.get(39), answer.get(70)]).toEqual(['0810', '00', code]);
    }
  });
});

describe('isotrace issuer holds', () => {
  const pair = PAIRS[0];
  /** USD 5.00 available: a USD 4.00 purchase approves once, and again only once its hold is released. */
  const card = cardFor('51', '5.00');

  it('releases the hold of an approval reversed by 0400 naming it in DE 90: a second large purchase then approves', async () => {
    const { host, t } = await start(pair);
    const auth = message(host.codec, '0100', purchaseFields(card.pan, card.expiry, 400));
    expect((await t.request(auth)).get(39)).toBe('00');
    expect((await t.request(message(host.codec, '0100', purchaseFields(card.pan, card.expiry, 400)))).get(39)).toBe('51');
    const reversal = await t.request(message(host.codec, '0400', { ...purchaseFields(card.pan, card.expiry, 400), 90: originalData(auth) }));
    expect([reversal.mti, reversal.get(39), reversal.get(90)]).toEqual(['0410', '00', originalData(auth)]);
    expect((await t.request(message(host.codec, '0100', purchaseFields(card.pan, card.expiry, 400)))).get(39)).toBe('00');
  });

  it.each([
    ['the duplicate cache answers the repeat', {}],
    ['no duplicate cache: the originals table knows it is reversed', { duplicateWindowMs: 0 }],
  ])('issue #15: releases a hold once when a reversal advice is repeated as 0421 and sent again under a new STAN (%s)', async (_how, flags) => {
    const { host, t } = await start(pair, flags);
    const auth = message(host.codec, '0200', purchaseFields(card.pan, card.expiry, 400));
    expect((await t.request(auth)).get(39)).toBe('00');
    const advice = purchaseFields(card.pan, card.expiry, 400, { 90: originalData(auth) });
    const answers = [
      await t.request(message(host.codec, '0420', advice)),
      await t.request(message(host.codec, '0421', advice)), // the repeat: same STAN and DE 7
      await t.request(message(host.codec, '0421', advice)),
      await t.request(message(host.codec, '0420', { ...advice, 11: purchaseFields(card.pan, null)[11] })), // same original, another STAN
    ];
    expect(answers.map((a) => [a.mti, a.get(39)])).toEqual([['0430', '00'], ['0430', '00'], ['0430', '00'], ['0430', '00']]);
    // Released once: USD 5.00 available again, so one USD 4.00 purchase approves and the next does not.
    expect((await t.request(message(host.codec, '0200', purchaseFields(card.pan, card.expiry, 400)))).get(39)).toBe('00');
    expect((await t.request(message(host.codec, '0200', purchaseFields(card.pan, card.expiry, 400)))).get(39)).toBe('51');
    await host.stop();
    const records = await auditRecords(host.auditDir);
    expect(records.map((r) => r.request.mti)).toEqual(['0200', '0420', '0421', '0421', '0420', '0200', '0200']);
    expect(records.filter((r) => r.outcome.reason === 'hold released')).toHaveLength(1);
  });

  it('acknowledges a reversal advice for an original it never approved, releasing nothing', async () => {
    const { host, t } = await start(pair);
    const declined = message(host.codec, '0100', purchaseFields(card.pan, card.expiry, 600));
    expect((await t.request(declined)).get(39)).toBe('51');
    const advice = await t.request(message(host.codec, '0420', purchaseFields(card.pan, card.expiry, 600, { 90: originalData(declined) })));
    expect([advice.mti, advice.get(39)]).toEqual(['0430', '00']);
    expect((await t.request(message(host.codec, '0100', purchaseFields(card.pan, card.expiry, 600)))).get(39)).toBe('51');
  });
});

describe('isotrace issuer audit trail', () => {
  it('keeps one record per request in its own audit directory, the route the stub', async () => {
    const { host, t } = await start(PAIRS[1]);
    const card = cardFor('00');
    await t.request(message(host.codec, '0100', purchaseFields(card.pan, card.expiry)));
    await t.request(message(host.codec, '0800', networkFields('301')));
    await host.stop();
    const records = await auditRecords(host.auditDir);
    expect(records.map((r) => [r.request.mti, r.outcome.response_code])).toEqual([['0100', '00'], ['0800', '00']]);
    expect(records[0].route).toMatchObject({ issuer: 'stub' });
    expect(host.log.events('issuer.ready')).toEqual([expect.objectContaining({ port: host.port, spec: 'iso87ascii', trace_field: null })]);
  });
});
