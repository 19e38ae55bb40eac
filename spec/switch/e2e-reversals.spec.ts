// isotrace serve end to end over TCP: reversals after approval (by DE 90 or by DE 11 + 41 + 7),
// idempotent second reversals, unknown originals, and duplicates answered byte for byte without a
// second issuer call. Balances are read from the outside: a card of USD 100.00 approves or declines
// a follow-up purchase depending on what is held.

import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../src/codec/index.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { approvingCard, cardFor, fileCards, writeIssuerFiles } from '../helpers/test-cards.js';
import { message, networkFields, nextStan, nowDe7, originalData, purchaseFields, type Fields, type Terminal } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

/** USD 60.00: one fits in the USD 100.00 balance, two do not. */
const SIXTY = 6_000;

interface Lane {
  sw: Served;
  t: Terminal;
  pan: string;
  /** Sends a purchase of `amount` with fresh STAN and DE 7; resolves with request and answer. */
  buy(amount: number, overrides?: Fields): Promise<{ req: IsoMessage; res: IsoMessage }>;
  ask(mti: string, fields: Fields): Promise<IsoMessage>;
}

/**
 * A switch whose approving card holds USD 100.00 (answering after `delayMs`), plus the fixtures'
 * never-answering card, and a terminal.
 */
async function lane(delayMs = 0, flags: Record<string, unknown> = {}): Promise<Lane> {
  const card = approvingCard(100, { delayMs });
  const files = writeIssuerFiles([card, ...fileCards().filter((c) => c.pan === cardFor('91').pan)]);
  resources.add(() => rmSync(files.dir, { recursive: true, force: true }));
  const sw = await serve(resources, { cards: files.cards, routes: files.routes, ...flags });
  const t = await sw.terminal();
  const ask = (mti: string, fields: Fields): Promise<IsoMessage> => t.request(message(sw.codec, mti, fields));
  return {
    sw, t, pan: card.pan, ask,
    async buy(amount, overrides = {}) {
      const req = message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, amount, overrides));
      return { req, res: await t.request(req) };
    },
  };
}

/** A reversal of `original` with its own fresh STAN and DE 7, pointing at it through DE 90. */
function byOriginalData(original: IsoMessage): Fields {
  return { ...reversalBase(original), 7: nowDe7(), 11: nextStan(), 90: originalData(original) };
}

/** A terminal reversal without DE 90: it repeats the original's DE 11, DE 41 and DE 7. */
function byTerminalKey(original: IsoMessage): Fields {
  return reversalBase(original);
}

function reversalBase(original: IsoMessage): Fields {
  const out: Fields = {};
  for (const de of [2, 3, 4, 7, 11, 12, 13, 32, 41, 42, 49]) out[de] = original.getString(de);
  return out;
}

describe('serve reverses an approval', () => {
  it.each([
    ['0400', 'DE 90', byOriginalData, '0410'],
    ['0400', 'DE 11 + DE 41 + DE 7', byTerminalKey, '0410'],
    ['0420', 'DE 90', byOriginalData, '0430'],
    ['0420', 'DE 11 + DE 41 + DE 7', byTerminalKey, '0430'],
  ] as const)('releases the hold when an %s finds the original by %s', async (mti, _by, reversalOf, responseMti) => {
    const l = await lane();
    const first = await l.buy(SIXTY);
    expect(first.res.get(39)).toBe('00');
    expect((await l.buy(SIXTY)).res.get(39)).toBe('51'); // the first approval holds USD 60.00
    const fields = reversalOf(first.req);
    const rev = await l.ask(mti, fields);
    expect([rev.mti, rev.get(39)]).toEqual([responseMti, '00']);
    expect(rev.get(90)).toBe(fields[90]);
    expect(rev.has(38)).toBe(false);
    expect((await l.buy(SIXTY)).res.get(39)).toBe('00'); // released: USD 100.00 available again
  });

  it('acknowledges a second reversal of the same original with 00 without releasing twice', async () => {
    const l = await lane();
    const first = await l.buy(SIXTY);
    expect((await l.ask('0400', byOriginalData(first.req))).get(39)).toBe('00');
    expect((await l.buy(SIXTY)).res.get(39)).toBe('00'); // USD 40.00 left
    const again = await l.ask('0400', byOriginalData(first.req));
    expect([again.mti, again.get(39)]).toEqual(['0410', '00']);
    expect((await l.buy(SIXTY)).res.get(39)).toBe('51'); // still USD 40.00: nothing released twice
    expect((await l.sw.log.next('txn.done', (x) => x.stan === again.get(11))).msg).toBe('already reversed');
  });

  it('answers a reversal advice after a reversal of the same original with 0430, not the 0410', async () => {
    const l = await lane();
    const first = await l.buy(SIXTY);
    const reversal = byTerminalKey(first.req);
    expect((await l.ask('0400', reversal)).mti).toBe('0410');
    const advice = await l.ask('0420', reversal);
    expect([advice.mti, advice.get(39)]).toEqual(['0430', '00']);
    expect((await l.buy(SIXTY)).res.get(39)).toBe('00');
    expect((await l.buy(SIXTY)).res.get(39)).toBe('51');
  });

  it('acknowledges both with 00 and releases once when an 0400 and an 0420 for one original arrive in one write', async () => {
    const l = await lane();
    const first = await l.buy(SIXTY);
    const frames = ['0400', '0420'].map((mti) => l.sw.codec.pack(message(l.sw.codec, mti, byOriginalData(first.req))));
    const encoded = frames.map((f) => Buffer.concat([Buffer.from(String(f.length).padStart(4, '0')), f]));
    l.t.sendRaw(Buffer.concat(encoded));
    const answers = [await l.t.receive(), await l.t.receive()];
    expect(answers.map((a) => [a.mti, a.get(39)]).sort()).toEqual([['0410', '00'], ['0430', '00']]);
    expect((await l.buy(SIXTY)).res.get(39)).toBe('00');
    expect((await l.buy(SIXTY)).res.get(39)).toBe('51');
  });

  it.each([
    ['0400', '0410'],
    ['0420', '0430'],
  ] as const)('releases the hold when an %s arrives while its original is still at the issuer', async (mti, responseMti) => {
    const l = await lane(300); // the issuer takes 300 ms: the reversal comes before the approval is remembered
    const req = message(l.sw.codec, '0100', purchaseFields(l.pan, null, SIXTY));
    l.t.send(req);
    l.t.send(message(l.sw.codec, mti, byOriginalData(req)));
    const answers = [await l.t.receive(), await l.t.receive()];
    expect(answers.map((a) => [a.mti, a.get(39)]).sort()).toEqual([['0110', '00'], [responseMti, '00']]);
    expect((await l.buy(SIXTY)).res.get(39)).toBe('00'); // released: USD 100.00 available again
    expect((await l.buy(SIXTY)).res.get(39)).toBe('51');
  });

  it('answers 25 to an 0400 and 00 to an 0420 when the original is unknown', async () => {
    const l = await lane();
    const unknown = message(l.sw.codec, '0100', purchaseFields(l.pan, null));
    const rev = await l.ask('0400', byOriginalData(unknown));
    const advice = await l.ask('0420', byOriginalData(unknown));
    expect([rev.mti, rev.get(39), advice.mti, advice.get(39)]).toEqual(['0410', '25', '0430', '00']);
  });

  it('answers 25 when the original was declined: nothing was held', async () => {
    const l = await lane();
    const declined = await l.buy(20_000);
    expect(declined.res.get(39)).toBe('51');
    expect((await l.ask('0400', byOriginalData(declined.req))).get(39)).toBe('25');
  });
});

describe('serve with duplicate requests', () => {
  it('sends the first answer again byte for byte and asks the issuer once when a request repeats', async () => {
    const l = await lane();
    const req = message(l.sw.codec, '0100', purchaseFields(l.pan, null, 3_000));
    l.t.send(req);
    const first = await l.t.nextAnswer();
    l.t.send(req);
    const second = await l.t.nextAnswer();
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(l.sw.codec.unpack(first.bytes).get(39)).toBe('00');
    expect((await l.buy(7_000)).res.get(39)).toBe('00'); // USD 70.00 left: only USD 30.00 was held
    expect((await l.sw.log.next('txn.done', (x) => x.stan === req.get(11), 2)).duplicate).toBe(true);
  });

  it('answers a repeat sent while the first is still at the issuer with the same bytes', async () => {
    const l = await lane(50);
    const req = message(l.sw.codec, '0100', purchaseFields(l.pan, null, 3_000));
    const bytes = l.sw.codec.pack(req);
    l.t.sendBytes(bytes);
    l.t.sendBytes(bytes);
    const [a, b] = [await l.t.nextAnswer(), await l.t.nextAnswer()];
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect((await l.buy(7_000)).res.get(39)).toBe('00');
  });

  it('treats an 0101 repeat of an 0100 as a duplicate: the 0110 again', async () => {
    const l = await lane();
    const fields = purchaseFields(l.pan, null, 3_000);
    l.t.send(message(l.sw.codec, '0100', fields));
    const first = await l.t.nextAnswer();
    l.t.send(message(l.sw.codec, '0101', fields));
    expect((await l.t.nextAnswer()).bytes.equals(first.bytes)).toBe(true);
    expect((await l.buy(7_000)).res.get(39)).toBe('00');
  });

  it('authorizes a repeat again once its window has passed, also while another request waits on the issuer', async () => {
    const l = await lane(0, { duplicateWindowMs: 0, issuerTimeoutMs: 400 });
    const slow = await l.sw.terminal();
    slow.send(message(l.sw.codec, '0100', purchaseFields(cardFor('91').pan, cardFor('91').expiry)));
    slow.send(message(l.sw.codec, '0800', networkFields('301')));
    expect((await slow.receive()).mti).toBe('0810'); // read after the 0100: that one is at the issuer now
    const fields = purchaseFields(l.pan, null, SIXTY);
    expect((await l.ask('0100', fields)).get(39)).toBe('00');
    expect((await l.ask('0100', fields)).get(39)).toBe('51'); // asked again: a window of 0 ms keeps nothing
    expect((await slow.receive()).get(39)).toBe('91');
  });

  it.each([
    ['DE 7', (): Fields => ({ 7: '0101000000' })],
    ['DE 11', (): Fields => ({ 11: nextStan() })],
    ['DE 41', (): Fields => ({ 41: 'TERM0002' })],
    ['DE 32', (): Fields => ({ 32: '654321' })],
  ])('authorizes again (no duplicate) when only %s differs', async (_what, change) => {
    const l = await lane();
    const fields = purchaseFields(l.pan, null, SIXTY);
    expect((await l.ask('0100', fields)).get(39)).toBe('00');
    expect((await l.ask('0100', { ...fields, ...change() })).get(39)).toBe('51'); // a second hold was tried
  });
});
