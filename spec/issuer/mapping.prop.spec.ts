import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoMessage, builtinCodec, transmissionTime, type Codec } from '../../src/codec/index.js';
import { IssuerMapping, MappingError, toIssuerRequest, toTerminalAnswer } from '../../src/issuer/index.js';
import { arbFieldValue } from '../helpers/arbitraries.js';

const RUNS = Number(process.env.FC_RUNS ?? 150);
const POS = builtinCodec('iso87pos');

/** What a POS terminal sends, beside the MTI, DE 11 and DE 41 it always does. */
const OPTIONAL_FIELDS = [2, 3, 4, 7, 12, 13, 14, 18, 22, 23, 25, 32, 35, 37, 42, 43, 49, 52, 55, 63, 90];

const arbRequest: fc.Arbitrary<IsoMessage> = fc
  .tuple(
    fc.constantFrom('0100', '0200', '0400'),
    arbFieldValue(POS.spec.fields[11]),
    arbFieldValue(POS.spec.fields[41]),
    fc.subarray(OPTIONAL_FIELDS).chain((des) => fc.tuple(fc.constant(des), fc.tuple(...des.map((de) => arbFieldValue(POS.spec.fields[de]))))),
    fc.uint8Array({ minLength: 5, maxLength: 5 }),
  )
  .map(([mti, stan, tid, [des, values], tpdu]) => {
    const msg = new IsoMessage(mti).set(11, stan).set(41, tid);
    des.forEach((de, i) => msg.set(de, values[i]));
    msg.header = Buffer.from(tpdu);
    return POS.unpack(POS.pack(msg)); // as the switch decodes it (the header travels beside it)
  });

const arbLeg = fc.record({
  stan: fc.integer({ min: 1, max: 999_999 }).map((n) => String(n).padStart(6, '0')),
  now: fc.date({ min: new Date(Date.UTC(2020, 0, 1)), max: new Date(Date.UTC(2035, 0, 1)), noInvalidDate: true }),
  rrn: fc.stringMatching(/^[0-9A-Z]{12}$/),
});

/** The issuer's answer to what it was sent: its echoes, an approval or a decline, and the trace field back. */
function answerTo(sent: IsoMessage, issuer: Codec, approved: boolean): IsoMessage {
  const res = new IsoMessage(`${sent.mti.slice(0, 2)}10`);
  for (const de of [3, 4, 7, 11, 32, 33, 37, 41, 63]) if (sent.has(de)) res.set(de, sent.get(de)!);
  res.set(39, approved ? '00' : '51').set(63, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  if (approved) res.set(38, 'A1B2C3');
  return issuer.unpack(issuer.pack(res));
}

describe.each(['iso87ascii', 'iso87binary'])('mapping iso87pos terminals to an %s issuer link', (issuerSpec) => {
  const issuer = builtinCodec(issuerSpec);
  const mapping = new IssuerMapping({ terminal: POS, issuer, acquirerId: '4000001', institutionId: '9000001', traceField: { de: 63, tag: null } });

  it('packs every mapped request under the issuer\'s spec, and the answer mapped back under the terminal\'s, with its own DE 11, 7 and 41', () => {
    fc.assert(
      fc.property(arbRequest, arbLeg, fc.boolean(), (req, leg, approved) => {
        const icc = req.get(55) as Buffer | undefined;
        // An iso87ascii link carries DE 55 as hex text in at most 999 characters.
        const isTooLong = issuerSpec === 'iso87ascii' && icc !== undefined && icc.length * 2 > 999;
        let sent: IsoMessage;
        try {
          sent = issuer.unpack(issuer.pack(toIssuerRequest(req, mapping, leg)));
        } catch (err) {
          expect(err).toBeInstanceOf(MappingError);
          expect([isTooLong, (err as MappingError).field]).toEqual([true, 55]);
          return;
        }
        expect(isTooLong).toBe(false);
        expect([sent.mti, sent.get(11), sent.get(7), sent.get(41), sent.has(63), sent.has(52), sent.has(90)]).toEqual([req.mti, leg.stan, transmissionTime(leg.now), req.get(41), false, false, false]);
        const answer = toTerminalAnswer(answerTo(sent, issuer, approved), req, mapping);
        const back = POS.unpack(POS.pack(answer));
        expect(answer.header).toEqual(req.header);
        expect([back.mti, back.get(11), back.get(7), back.get(41), back.get(39), back.has(63)]).toEqual([`${req.mti.slice(0, 2)}10`, req.get(11), req.get(7), req.get(41), approved ? '00' : '51', false]);
        expect(back.get(37)).toBe(req.get(37) ?? leg.rrn);
      }),
      { numRuns: RUNS },
    );
  });
});
