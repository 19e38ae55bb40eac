// isotrace serve end to end over TCP: the answer to a request that fails to decode past its MTI
// (RC 30) echoes what identifies the request, read past the bad field where its length is known,
// so that the terminal can match it; never the card. An 0410 and an 0430 echo DE 90.

import { afterEach, describe, expect, it } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { Resources, serve } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, originalData, purchaseFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

const card = cardFor('00');
/** What a format-error answer may echo (issue #13), beside DE 90 for reversals. */
const IDENTIFYING = [3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49];

/** Where DE `de` starts in the packed `req`: the size of the message holding only the fields before it (one bitmap). */
function offsetOf(sw: { codec: { pack(m: IsoMessage): Buffer } }, req: IsoMessage, de: number): number {
  const before = new IsoMessage(req.mti);
  for (const d of req.fields()) if (d < de) before.set(d, req.get(d)!);
  return sw.codec.pack(before).length;
}

type Mangle = (bytes: Buffer, at: (de: number) => number) => Buffer;
const setByte = (de: number, skip: number, byte: number): Mangle => (bytes, at) => {
  const bad = Buffer.from(bytes);
  bad[at(de) + skip] = byte;
  return bad;
};
const cutInside = (de: number, keep: number): Mangle => (bytes, at) => bytes.subarray(0, at(de) + keep);

describe('serve answering a request that fails to decode (issue #13)', () => {
  it.each<[string, Mangle, number[]]>([
    ['a letter in DE 4 (fixed)', setByte(4, 5, 0x41), [3, 7, 11, 12, 13, 32, 37, 41, 42, 49]],
    ['a letter in the PAN (DE 2, LL)', setByte(2, 6, 0x41), [3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49]],
    ['a bad expiry digit (DE 14)', setByte(14, 1, 0x3a), [3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49]],
    ['a control character in DE 41', setByte(41, 2, 0x07), [3, 4, 7, 11, 12, 13, 32, 37, 42, 49]],
    ['a letter in the length prefix of DE 32', setByte(32, 0, 0x41), [3, 4, 7, 11, 12, 13]],
    ['a frame cut inside DE 12', cutInside(12, 3), [3, 4, 7, 11]],
    ['a frame cut inside DE 42', cutInside(42, 5), [3, 4, 7, 11, 12, 13, 32, 37, 41]],
  ])('issue #13: echoes the identifying fields it could read when a purchase has %s', async (_what, mangle, echoed) => {
    const sw = await serve(resources);
    const t = await sw.terminal();
    const req = message(sw.codec, '0200', purchaseFields(card.pan, card.expiry, 10_000, { 37: '512345000042' }));
    t.sendBytes(mangle(sw.codec.pack(req), (de) => offsetOf(sw, req, de)));
    const answer = await t.receive();
    expect([answer.mti, answer.get(39)]).toEqual(['0210', '30']);
    expect(answer.fields().filter((de) => IDENTIFYING.includes(de) && de !== 37)).toEqual(echoed.filter((de) => de !== 37));
    for (const de of echoed) expect(answer.get(de)).toBe(req.get(de));
    // An RRN that could not be read is replaced by one of the switch's, as for a request without one.
    if (!echoed.includes(37)) expect(answer.get(37)).toMatch(/^\d{12}$/);
    for (const de of [2, 14, 22, 35]) expect(answer.has(de)).toBe(false);
    expect((await sw.log.next('txn.done')).err).toMatchObject({ code: expect.stringMatching(/^CODEC_/) });
    expect(sw.log.text()).not.toContain(card.pan);
  });

  it.each([['0400', '0410'], ['0420', '0430']])('issue #13: answers an %s with a letter in DE 4 with %s RC 30 echoing DE 11, 41 and 90', async (mti, responseMti) => {
    const sw = await serve(resources);
    const t = await sw.terminal();
    const original = message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, 10_000));
    const req = message(sw.codec, mti, { ...purchaseFields(card.pan, card.expiry, 10_000, { 11: original.get(11) as string, 7: original.get(7) as string }), 90: originalData(original) });
    t.sendBytes(setByte(4, 5, 0x41)(sw.codec.pack(req), (de) => offsetOf(sw, req, de)));
    const answer = await t.receive();
    expect([answer.mti, answer.get(39), answer.get(11), answer.get(41), answer.get(90)]).toEqual([responseMti, '30', req.get(11), req.get(41), req.get(90)]);
  });

  it.each([['0400', '0410'], ['0420', '0430']])('echoes DE 90 when it answers an %s (%s) that decodes', async (mti, responseMti) => {
    const sw = await serve(resources);
    const t = await sw.terminal();
    const original = message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, 10_000));
    expect((await t.request(original)).get(39)).toBe('00');
    const req = message(sw.codec, mti, { ...purchaseFields(card.pan, card.expiry, 10_000, { 7: original.get(7) as string }), 90: originalData(original) });
    const answer = await t.request(req);
    expect([answer.mti, answer.get(39), answer.get(90)]).toEqual([responseMti, '00', req.get(90)]);
  });
});
