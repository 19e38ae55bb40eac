// isotrace serve end to end over TCP (real serve wiring, iso87ascii, ascii4): every stub outcome,
// the response echo rules of primer §5, network management, unknown and unsolicited MTIs, missing
// fields, and the issuer timeout.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../src/codec/index.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { cardFor, testCards } from '../helpers/test-cards.js';
import { message, networkFields, nextStan, nowDe7, purchaseFields, type Fields } from '../helpers/terminal.js';

/** Primer §5: echoed when the request carries them. */
const ECHOED = [2, 3, 4, 7, 11, 12, 13, 24, 32, 33, 37, 41, 42, 49];
/** Primer §5: never echoed. */
const NEVER_ECHOED = [14, 35, 36, 45, 52, 55];
const TRACK2_OF = (pan: string, expiry: string | null): string => `${pan}=${expiry ?? '2812'}2011000123`;
const PIN_BLOCK = '7A3F9C21D04B6E18';

const perTest = new Resources();
const perFile = new Resources();
let sw: Served;

beforeAll(async () => {
  sw = await serve(perFile, { issuerTimeoutMs: 200 });
});
afterEach(() => perTest.run());
afterAll(() => perFile.run());

async function ask(mti: string, fields: Fields): Promise<{ req: IsoMessage; res: IsoMessage }> {
  const t = await sw.terminal();
  const req = message(sw.codec, mti, fields);
  return { req, res: await t.request(req) };
}

/** The answer echoes what primer §5 says, never card secrets, and carries DE 39 (and 37). */
function expectEchoRules(req: IsoMessage, res: IsoMessage): void {
  for (const de of ECHOED) if (req.has(de)) expect(res.get(de), `DE ${de}`).toEqual(req.get(de));
  for (const de of NEVER_ECHOED) expect(res.has(de), `DE ${de}`).toBe(false);
  expect(res.has(2)).toBe(req.has(2));
  expect(res.get(39)).toMatch(/^\d\d$/);
}

function expectApprovalCode(res: IsoMessage): void {
  if (res.get(39) === '00') expect(res.get(38)).toMatch(/^[0-9A-Z]{6}$/);
  else expect(res.has(38)).toBe(false);
}

const CARDS = testCards();

describe('serve answers every stub outcome over TCP', () => {
  it('knows one README card per outcome, including unknown, unroutable and bad-Luhn cards', () => {
    expect(new Set(CARDS.map((c) => c.rc))).toEqual(new Set(['00', '51', '54', '62', '41', '43', '61', '13', '91', '14', '15']));
  });

  it.each(CARDS.map((c) => [c.rc, c.outcome, c] as const))('answers a keyed 0100 with RC %s (%s)', async (rc, _outcome, card) => {
    const { req, res } = await ask('0100', purchaseFields(card.pan, card.expiry));
    expect(res.mti).toBe('0110');
    expect(res.get(39)).toBe(rc);
    expectApprovalCode(res);
    expectEchoRules(req, res);
    expect(res.get(37)).toMatch(/^\d{12}$/);
  });

  it.each(CARDS.map((c) => [c.rc, c.outcome, c] as const))('answers a 0200 with track 2 and PIN block with RC %s (%s), echoing neither', async (rc, _o, card) => {
    const fields = purchaseFields(card.pan, null, 10_000, { 2: undefined, 22: '901', 35: TRACK2_OF(card.pan, card.expiry), 52: PIN_BLOCK });
    const { req, res } = await ask('0200', fields);
    expect(res.mti).toBe('0210');
    expect(res.get(39)).toBe(rc);
    expectApprovalCode(res);
    expectEchoRules(req, res);
  });

  it('keeps DE 37 when the request carries one, and echoes DE 33 and DE 24', async () => {
    const card = cardFor('00');
    const { req, res } = await ask('0100', purchaseFields(card.pan, card.expiry, 100, { 24: '012', 33: '987654', 37: '632712345678' }));
    expect(res.get(39)).toBe('00');
    expect(res.get(37)).toBe('632712345678');
    expectEchoRules(req, res);
  });

  it('answers 13 itself when a purchase has a zero amount', async () => {
    const card = cardFor('00');
    const { res } = await ask('0100', purchaseFields(card.pan, card.expiry, 0));
    expect(res.get(39)).toBe('13');
  });

  it('answers 91 when the issuer takes longer than --issuer-timeout-ms and logs ISSUER_TIMEOUT', async () => {
    const card = cardFor('91');
    const { req, res } = await ask('0100', purchaseFields(card.pan, card.expiry));
    expect(res.get(39)).toBe('91');
    const done = await sw.log.next('txn.done', (l) => l.stan === req.get(11));
    expect(done).toMatchObject({ rc: '91', issuer: 'stub', err: { code: 'ISSUER_TIMEOUT' } });
  });
});

describe('serve answers network management itself', () => {
  it.each([['001', 'sign-on'], ['002', 'sign-off'], ['301', 'echo test']])('answers 0800 DE 70 %s (%s) with 0810 RC 00 echoing DE 7, 11, 70', async (code, what) => {
    const { req, res } = await ask('0800', networkFields(code));
    expect(res.mti).toBe('0810');
    expect(res.fields()).toEqual([7, 11, 39, 70]);
    expect([res.get(7), res.get(11), res.get(70), res.get(39)]).toEqual([req.get(7), req.get(11), code, '00']);
    expect((await sw.log.next('txn.done', (l) => l.stan === req.get(11))).msg).toBe(what);
  });

  it('answers 12 for a network management code it does not handle', async () => {
    const { res } = await ask('0800', networkFields('101'));
    expect([res.mti, res.get(39), res.get(70)]).toEqual(['0810', '12', '101']);
  });

  it('answers several requests on one connection in order of completion, each with its own STAN', async () => {
    const t = await sw.terminal();
    const stans = [0, 1, 2].map(() => nextStan());
    for (const stan of stans) t.send(message(sw.codec, '0800', networkFields('301', { 11: stan })));
    const answers = [await t.receive(), await t.receive(), await t.receive()];
    expect(answers.map((a) => a.get(11)).sort()).toEqual([...stans].sort());
  });
});

describe('serve with MTIs it does not handle', () => {
  it.each([['0120', '0130'], ['0220', '0230'], ['0500', '0510'], ['0101', '0110']])('answers %s with %s', async (mti, responseMti) => {
    const card = cardFor('00');
    const { res } = await ask(mti, purchaseFields(card.pan, card.expiry));
    expect(res.mti).toBe(responseMti);
    expect(res.get(39)).toBe(mti === '0101' ? '00' : '12');
  });

  it.each(['0110', '0810', '0430'])('sends nothing back for an unsolicited %s and answers the next request', async (mti) => {
    const t = await sw.terminal();
    const card = cardFor('00');
    t.send(message(sw.codec, mti, { ...purchaseFields(card.pan, null), 39: '00' }));
    const echo = message(sw.codec, '0800', networkFields('301'));
    t.send(echo);
    const next = await t.receive();
    expect([next.mti, next.get(11)]).toEqual(['0810', echo.get(11)]);
    expect(await sw.log.next('txn.unsolicited_response', (l) => l.mti === mti)).toMatchObject({ level: 'warn' });
  });
});

describe('serve with requests missing what it needs', () => {
  const card = cardFor('00');
  it.each([
    ['0100', 'DE 3', { 3: undefined }],
    ['0100', 'DE 4', { 4: undefined }],
    ['0100', 'DE 11', { 11: undefined }],
    ['0100', 'DE 41', { 41: undefined }],
    ['0100', 'DE 2 and DE 35', { 2: undefined }],
    ['0200', 'DE 2 and DE 35', { 2: undefined }],
    ['0400', 'DE 11', { 11: undefined }],
    ['0400', 'DE 41', { 41: undefined }],
  ] as const)('answers %s without %s with RC 30', async (mti, _what, drop) => {
    const { req, res } = await ask(mti, purchaseFields(card.pan, card.expiry, 10_000, drop));
    expect(res.get(39)).toBe('30');
    expect(res.mti).toBe(`${mti.slice(0, 2)}10`);
    expectEchoRules(req, res);
  });

  it('answers an 0800 without DE 70 with RC 30', async () => {
    const { res } = await ask('0800', { 7: nowDe7(), 11: nextStan() });
    expect([res.mti, res.get(39)]).toEqual(['0810', '30']);
  });
});
