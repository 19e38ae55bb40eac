// The queue's view of a remote issuer's messages: fields as text (binary as hex) and back through
// the link's codec, and the hold of an approval (MTI, STAN, time as the link sent them) and the
// original it names, in both editions.

import { describe, expect, it } from 'vitest';
import { adviceFields, adviceMessage, holdOf, originalOfHold } from '../../../src/issuer/remote/advice-fields.js';
import { builtinCodec, IsoMessage } from '../../../src/codec/index.js';
import { cardFor } from '../../helpers/test-cards.js';

const PAN = cardFor('00').pan;

describe('adviceFields / adviceMessage', () => {
  it('round-trips an advice through text, binary fields as hex, so that it packs as before', () => {
    const codec = builtinCodec('iso87pos');
    expect(codec.fields[64]?.isBinary).toBe(true);
    const advice = new IsoMessage('0420').set(2, PAN).set(4, '000000001000').set(11, '000042').set(41, 'TERM0001')
      .set(64, Buffer.from('0102A0B0C0D0E0F0', 'hex')).set(90, '010000004112050830150000012345600000000000');
    const text = adviceFields(advice);
    expect(text[64]).toBe('0102a0b0c0d0e0f0');
    expect(Object.values(text).every((v) => typeof v === 'string')).toBe(true);
    const back = adviceMessage('0421', text, codec);
    expect(back.mti).toBe('0421');
    expect(back.fields()).toEqual(advice.fields());
    expect(codec.pack(back).subarray(4)).toEqual(codec.pack(advice).subarray(4)); // all but the MTI
  });
});

describe('holdOf / originalOfHold', () => {
  it.each([
    [1987, '0100', 7, '1205083015'],
    [1993, '1100', 12, '261205083015'],
  ] as const)('names the %s original by its MTI, STAN and time as the link sent it, and back', (version, mti, timeDe, time) => {
    const sent = new IsoMessage(mti).set(2, PAN).set(11, '004711').set(timeDe, time).set(41, 'TERM0001');
    const hold = holdOf(sent, version);
    expect(hold).toBe(`${mti}004711${time}`);
    expect(hold).not.toContain(PAN);
    const original = originalOfHold(hold, version)!;
    expect([original.mti, original.get(11), original.get(timeDe), original.fields()]).toEqual([mti, '004711', time, [11, timeDe].sort((a, b) => a - b)]);
  });

  it.each([
    ['a hold of another length', '0100004711120508301', 1987],
    ['the 1987 length for a 1993 link', '01000047111205083015', 1993],
    ['a stub hold (not digits)', 'stub-hold-000000001x', 1987],
    ['empty', '', 1987],
  ] as const)('is null for %s', (_what, hold, version) => {
    expect(originalOfHold(hold, version)).toBeNull();
  });
});
