// The stages and the commit phase over stores that answer with promises (as a store shared by
// several switches does): the in-memory DuplicateCache and OriginalsTable behind an asynchronous
// face, each answer a turn later, the duplicates' kept without DE 2 as a shared store keeps them.
// Duplicates still get the first answer byte for byte, reversals still find their original, and
// the commit phase waits for what the stores promise.

import { describe, expect, it } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import {
  DuplicateCache, OriginalsTable, answerWithoutPan, type CachedAnswer, type DuplicateHit, type DuplicateStore, type Original, type OriginalIds,
  type OriginalRef, type OriginalStore,
} from '../../src/switch/index.js';
import { testSwitch } from '../helpers/switch-env.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, originalData, purchaseFields } from '../helpers/terminal.js';

const later = <T>(value: T): Promise<T> => new Promise((resolve) => setImmediate(() => resolve(value)));

/** The in-memory cache, each answer a turn later and kept without DE 2; notes what it was asked. */
class LaterDuplicates implements DuplicateStore {
  readonly cache = new DuplicateCache();
  readonly settled: string[] = [];
  claim(key: string): Promise<DuplicateHit | null> {
    return later(this.cache.claim(key));
  }
  async settle(key: string, answer: CachedAnswer): Promise<void> {
    await later(null);
    this.cache.settle(key, answerWithoutPan(builtinCodec('iso87ascii'), answer));
    this.settled.push(answer.responseCode);
  }
  async abandon(key: string): Promise<void> {
    await later(null);
    this.cache.abandon(key);
  }
}

/** The in-memory table, each answer a turn later. */
class LaterOriginals implements OriginalStore {
  readonly table = new OriginalsTable();
  readonly inFlight = this.table.inFlight;
  remembered = 0;
  async remember(ids: OriginalIds, issuer: string, holdId: string): Promise<void> {
    await later(null);
    this.table.remember(ids, issuer, holdId);
    this.remembered++;
  }
  find(ref: OriginalRef): Promise<Original | undefined> {
    return later(this.table.find(ref));
  }
}

const card = cardFor('00');

describe('the switch over asynchronous stores', () => {
  it('answers a repeat with the first answer byte for byte, its PAN put back, and asks the issuer once when the duplicate store answers with promises', async () => {
    const duplicates = new LaterDuplicates();
    const t = testSwitch({ duplicates });
    const frame = t.env.codec.pack(message(t.env.codec, '0100', purchaseFields(card.pan, card.expiry, 1_000)));
    const before = t.stub.availableMinor(card.pan)!;
    const first = await t.sw.handle(frame, { connId: 'c1', remote: 'x' });
    expect(duplicates.settled).toEqual(['00']); // settled before the answer was handed back
    expect(first!.toString('latin1')).toContain(card.pan); // DE 2 echoed; kept without it
    const [again, third] = await Promise.all([t.sw.handle(frame, { connId: 'c1', remote: 'x' }), t.sw.handle(frame, { connId: 'c1', remote: 'x' })]);
    expect(again).toEqual(first);
    expect(third).toEqual(first);
    expect(t.stub.availableMinor(card.pan)).toBe(before - 1_000);
  });

  it('finds the original by DE 90 and releases its hold when the originals store answers with promises', async () => {
    const originals = new LaterOriginals();
    const t = testSwitch({ originals, duplicates: new LaterDuplicates() });
    const before = t.stub.availableMinor(card.pan)!;
    const purchase = message(t.env.codec, '0100', purchaseFields(card.pan, card.expiry, 2_500));
    expect((await t.answer(purchase))?.get(39)).toBe('00');
    expect(originals.remembered).toBe(1); // remembered before the answer was handed back
    expect(t.stub.availableMinor(card.pan)).toBe(before - 2_500);
    const fields = Object.fromEntries(purchase.fields().map((de) => [de, purchase.get(de) as string]));
    const reversal = await t.answer(message(t.env.codec, '0400', { ...fields, 11: '999999', 90: originalData(purchase) }));
    expect(reversal?.get(39)).toBe('00');
    expect(t.stub.availableMinor(card.pan)).toBe(before);
  });

  it('answers 25 for a reversal of an unknown original when the originals store answers with promises', async () => {
    const t = testSwitch({ originals: new LaterOriginals() });
    const purchase = message(t.env.codec, '0100', purchaseFields(card.pan, card.expiry, 2_500));
    const fields = Object.fromEntries(purchase.fields().map((de) => [de, purchase.get(de) as string]));
    expect((await t.answer(message(t.env.codec, '0400', fields)))?.get(39)).toBe('25');
  });

  it('answers 96 and asks no issuer when the duplicate store cannot claim', async () => {
    const failing: DuplicateStore = {
      claim: () => Promise.reject(Object.assign(new Error('down'), { code: 'STORE_UNAVAILABLE' })),
      settle: () => {},
      abandon: () => {},
    };
    const t = testSwitch({ duplicates: failing });
    const before = t.stub.availableMinor(card.pan)!;
    const answer = await t.answer(message(t.env.codec, '0100', purchaseFields(card.pan, card.expiry, 1_000)));
    expect(answer?.get(39)).toBe('96');
    expect(t.stub.availableMinor(card.pan)).toBe(before);
  });
});
