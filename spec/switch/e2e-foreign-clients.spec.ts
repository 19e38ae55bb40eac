// isotrace serve over TCP against what clients nobody here wrote put on the wire: the npm iso_8583
// package always sends a secondary bitmap, all zero when no field above 64 is present.

import { afterEach, describe, expect, it } from 'vitest';
import { Resources, serve } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

/** An iso87ascii message as the npm iso_8583 package frames it: bit 1 set and sixteen '0' after the primary bitmap. */
function withEmptySecondary(packed: Buffer): Buffer {
  const text = packed.toString('latin1');
  const first = (parseInt(text[4], 16) | 8).toString(16).toUpperCase();
  return Buffer.from(`${text.slice(0, 4)}${first}${text.slice(5, 20)}${'0'.repeat(16)}${text.slice(20)}`, 'latin1');
}

describe('serve with a request from the npm iso_8583 package (iso87ascii, ascii4)', () => {
  it('issue #13: approves a request with an all-zero secondary bitmap and answers without one', async () => {
    const sw = await serve(resources);
    const t = await sw.terminal();
    const card = cardFor('00');
    const req = message(sw.codec, '0100', purchaseFields(card.pan, card.expiry));
    const sent = withEmptySecondary(sw.codec.pack(req));
    expect(sent.toString('latin1', 4, 5)).toMatch(/[89A-F]/); // bit 1 set on the wire
    t.sendBytes(sent);
    const answer = await t.nextAnswer();
    const res = sw.codec.unpack(answer.bytes);
    expect([res.mti, res.get(11), res.get(39)]).toEqual(['0110', req.get(11), '00']);
    expect(answer.bytes.toString('latin1', 4, 5)).toMatch(/[0-7]/); // no secondary bitmap sent back
    expect((await sw.log.next('txn.done')).err).toBeUndefined();
  });
});
