// The switch under a 1993 spec (iso93ascii): 1xxx MTIs, 3-digit action codes mapped from the
// stub's outcomes, reversal advices matched by DE 56, 1804 network management by DE 24.

import { describe, expect, it } from 'vitest';
import { IsoMessage, builtinCodec } from '../../src/codec/index.js';
import { ACTION_CODES, ACTION_CODE_MEANINGS, ISSUER_TO_ACTION_CODE, RC, RC_MEANINGS, actionCodeOf, responseCodeFor } from '../../src/switch/index.js';
import { IssuerError } from '../../src/common/index.js';
import { CONN, testSwitch, type TestSwitch } from '../helpers/switch-env.js';
import { cardFor } from '../helpers/test-cards.js';
import { nextStan93 as nextStan, request93 } from '../helpers/iso93.js';

const codec = builtinCodec('iso93ascii');
function network93(code: string | null): IsoMessage {
  const msg = new IsoMessage('1804').set(7, '1205101500').set(11, nextStan()).set(41, 'TERM0093');
  return code === null ? msg : msg.set(24, code);
}

const t93 = (): TestSwitch => testSwitch({ codec });

describe('switch, ISO 8583:1993', () => {
  it('issue #13: answers an 1100 with an 1110 carrying action code 000, DE 38 and the audit record of the wire', async () => {
    const t = t93();
    const res = await t.answer(request93('1100', cardFor('00').pan));
    expect(res!.mti).toBe('1110');
    expect(res!.get(39)).toBe('000');
    expect(res!.get(38)).toMatch(/^[0-9A-Z]{6}$/);
    expect(res!.get(24)).toBe('100');
    const outcome = t.audit.records[0].outcome as Record<string, unknown>;
    expect(outcome.response_code).toBe('000');
  });

  it('issue #13: answers an 1200 with an 1210 and 000', async () => {
    const res = await t93().answer(request93('1200', cardFor('00').pan));
    expect([res!.mti, res!.get(39)]).toEqual(['1210', '000']);
  });

  it.each([
    ['insufficient funds', '116', cardFor('51').pan, '000000010000'],
    ['an expired card', '101', cardFor('54').pan, '000000001000'],
    ['a blocked card', '104', cardFor('62').pan, '000000001000'],
    ['a lost card', '208', cardFor('41').pan, '000000001000'],
    ['a stolen card', '209', cardFor('43').pan, '000000001000'],
    ['the daily limit', '121', cardFor('61').pan, '000000010000'],
    ['a yen card asked for USD', '110', cardFor('13').pan, '000000001000'],
    ['an unknown card', '111', cardFor('14', 'unknown').pan, '000000001000'],
    ['no route', '908', cardFor('15').pan, '000000001000'],
    ['a bad Luhn digit', '111', cardFor('14', 'Luhn').pan, '000000001000'],
    ['a zero amount', '110', cardFor('00').pan, '000000000000'],
    ['an issuer timeout', '911', cardFor('91').pan, '000000001000'],
  ])('issue #13: declines %s with action code %s', async (_what, code, pan, amount) => {
    const res = await t93().answer(request93('1100', pan, amount));
    expect([res!.mti, res!.get(39)]).toEqual(['1110', code]);
  });

  it('issue #13: answers a request missing DE 4 with 904 (format error)', async () => {
    const res = await t93().answer(request93('1100', cardFor('00').pan, ''));
    expect([res!.mti, res!.get(39)]).toEqual(['1110', '904']);
  });

  it('issue #13: answers a request whose DE 4 does not decode with 904', async () => {
    const t = t93();
    const bytes = codec.pack(request93('1100', cardFor('00').pan, '000000001234'));
    const at = bytes.indexOf('000000001234', 0, 'latin1');
    bytes[at + 5] = 0x41; // 'A' in n 12
    const res = codec.unpack((await t.sw.handle(bytes, CONN))!);
    expect([res.mti, res.get(39)]).toEqual(['1110', '904']);
  });

  it('issue #13: answers a 1987 MTI on a 1993 switch with 902 (invalid transaction)', async () => {
    const res = await t93().answer(request93('0100', cardFor('00').pan));
    expect([res!.mti, res!.get(39)]).toEqual(['0110', '902']);
  });

  it('issue #13: releases the hold when a 1420 names the original by DE 56 only, and answers 1430 with 400', async () => {
    const t = t93();
    const pan = cardFor('00').pan;
    const before = t.stub.availableMinor(pan)!;
    const auth = request93('1100', pan, '000000002500');
    expect((await t.answer(auth))!.get(39)).toBe('000');
    expect(t.stub.availableMinor(pan)).toBe(before - 2500);
    // Its own STAN, DE 7 and DE 12: only DE 56 (MTI, STAN, DE 12, LL + acquirer) can find the original.
    const de56 = `1100${auth.get(11)}${auth.get(12)}06123456`;
    const advice = request93('1420', '', '000000002500', { 2: '', 7: '1205101600', 12: '261205111600', 24: '400', 25: '4000', 56: de56 });
    const res = await t.answer(advice);
    expect([res!.mti, res!.get(39), res!.get(56)]).toEqual(['1430', '400', de56]);
    expect(t.stub.availableMinor(pan)).toBe(before);
  });

  it('issue #13: answers a 1400 for an unknown original with 914 and acknowledges a 1420 for one with 400', async () => {
    const t = t93();
    const de56 = '1100999999261205000000' + '06123456';
    const reversal = await t.answer(request93('1400', '', '000000001000', { 2: '', 56: de56 }));
    expect([reversal!.mti, reversal!.get(39)]).toEqual(['1410', '914']);
    const advice = await t.answer(request93('1420', '', '000000001000', { 2: '', 56: de56 }));
    expect([advice!.mti, advice!.get(39)]).toEqual(['1430', '400']);
  });

  it('issue #13: answers a repeated 1100 with the first answer, byte for byte', async () => {
    const t = t93();
    const req = request93('1100', cardFor('00').pan);
    const first = await t.sw.handle(codec.pack(req), CONN);
    const again = await t.sw.handle(codec.pack(req), CONN);
    expect(again!.equals(first!)).toBe(true);
    expect(codec.unpack(again!).get(39)).toBe('000');
  });

  it.each([
    ['831 (echo test)', '800', '831'],
    ['801 (sign-on)', '800', '801'],
    ['802 (sign-off)', '800', '802'],
    ['an unknown function code', '902', '999'],
  ])('issue #13: answers an 1804 with function code %s with an 1814 and %s', async (_what, action, code) => {
    const res = await t93().answer(network93(code));
    expect([res!.mti, res!.get(39), res!.get(24)]).toEqual(['1814', action, code]);
  });

  it('issue #13: answers an 1804 without DE 24 with 904', async () => {
    const res = await t93().answer(network93(null));
    expect([res!.mti, res!.get(39)]).toEqual(['1814', '904']);
  });
});

describe('action codes', () => {
  it('issue #13: maps every response code the stub and the 1987 switch set to a 1993 action code with a meaning', () => {
    for (const rc of Object.keys(RC_MEANINGS)) expect(ACTION_CODE_MEANINGS[actionCodeOf(rc)], rc).toMatch(/^[a-z]/);
    for (const code of Object.values(ACTION_CODES)) expect(ACTION_CODE_MEANINGS[code], code).toMatch(/^[a-z]/);
    expect(Object.fromEntries(ISSUER_TO_ACTION_CODE)).toMatchObject({ '00': '000', '51': '116', '54': '101', '14': '111', '91': '907', '96': '909' });
  });

  it('passes a 3-digit code through and turns an unknown 2-character one into 100 (do not honour)', () => {
    expect(actionCodeOf('116')).toBe('116');
    expect(actionCodeOf('Z9')).toBe('100');
  });

  it.each([
    ['ISSUER_TIMEOUT', '91', '911'],
    ['ISSUER_UNAVAILABLE', '91', '912'],
  ] as const)('maps an IssuerError %s to %s in 1987 and %s in 1993', (code, rc87, rc93) => {
    expect(responseCodeFor(new IssuerError(code, 'x'))).toBe(rc87);
    expect(responseCodeFor(new IssuerError(code, 'x'), ACTION_CODES)).toBe(rc93);
    expect(RC.ISSUER_TIMEOUT).toBe('91');
  });
});
