// isotrace serve end to end over TCP, on the wire: malformed messages (dropped or answered 30, the
// connection kept), framing violations (connection closed), iso87pos behind a TPDU with binary2
// framing (TPDU swapped on the answer), and 200 terminals at once.

import { afterEach, describe, expect, it } from 'vitest';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { caseBytes, listCases } from '../helpers/fixtures.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, networkFields, purchaseFields, type Terminal } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

/** Sends an echo test and checks it is the next answer: nothing else came back before it. */
async function expectNextIsEchoAnswer(sw: Served, t: Terminal): Promise<void> {
  const echo = message(sw.codec, '0800', networkFields('301'));
  t.send(echo);
  const answer = await t.receive();
  expect([answer.mti, answer.get(11), answer.get(39)]).toEqual(['0810', echo.get(11), '00']);
}

describe('serve with malformed messages (iso87ascii, ascii4)', () => {
  const approving = cardFor('00');

  it.each([
    ['a non-digit MTI', ascii('AB00723C448108E08000')],
    ['a frame shorter than an MTI', ascii('01')],
    ['an MTI with a lowercase letter', ascii('0x00')],
  ])('drops %s, logs it without its bytes, and answers the next message', async (_what, frame) => {
    const sw = await serve(resources);
    const t = await sw.terminal();
    t.sendBytes(frame);
    await expectNextIsEchoAnswer(sw, t);
    const line = await sw.log.next('txn.unreadable');
    expect(line).toMatchObject({ level: 'warn', err: { code: expect.stringMatching(/^CODEC_/) } });
    expect(JSON.stringify(line)).not.toContain(frame.toString('latin1'));
    expect(sw.running.switch.counters.unreadable).toBe(1);
  });

  it.each([
    ['a bitmap that is not hex', (ok: Buffer) => Buffer.concat([ok.subarray(0, 4), ascii('ZZ'), ok.subarray(6)]), false],
    ['a message cut inside DE 43', (ok: Buffer) => ok.subarray(0, ok.length - 20), true],
    ['bytes after the last field', (ok: Buffer) => Buffer.concat([ok, ascii('XX')]), true],
    ['a letter in DE 4', (ok: Buffer) => Buffer.concat([ok.subarray(0, 46), ascii('A'), ok.subarray(47)]), true],
  ] as const)('answers %s with RC 30 and keeps the connection', async (_what, mangle, isStanRead) => {
    const sw = await serve(resources);
    const t = await sw.terminal();
    const req = message(sw.codec, '0100', purchaseFields(approving.pan, approving.expiry, 10_000, { 43: 'ACME GROCERY           SPRINGFIELD  ILUS' }));
    t.sendBytes(mangle(sw.codec.pack(req)));
    const answer = await t.receive();
    expect([answer.mti, answer.get(39)]).toEqual(['0110', '30']);
    expect(answer.get(11)).toBe(isStanRead ? req.get(11) : undefined);
    expect((await sw.log.next('txn.done')).err).toMatchObject({ code: expect.stringMatching(/^CODEC_/) });
    await expectNextIsEchoAnswer(sw, t);
  });

  it('closes the connection on a framing violation (a non-digit length header)', async () => {
    const sw = await serve(resources);
    const t = await sw.terminal();
    t.sendRaw(ascii('00X5hello'));
    await t.closed();
    expect(await sw.log.next('frame.error')).toMatchObject({ err: { code: 'FRAME_BAD_HEADER' } });
  });
});

describe('serve iso87pos with header tpdu and framing binary2', () => {
  const EXPECTED_RC: Record<string, string> = {
    '0100-amex-keyed-odd-pan': '43',
    '0100-chip-pin': '00',
    '0200-contactless-long-tlv': '54',
    '0400-reversal-track2-max': '25',
    '0800-terminal-logon': '30',
  };
  const requests = listCases('iso87pos').filter((c) => c.name in EXPECTED_RC);

  it('has every request fixture of iso87pos in the table', () => {
    expect(requests.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED_RC).sort());
  });

  it.each(requests.map((c) => [c.name, EXPECTED_RC[c.name], c] as const))('answers %s with RC %s and the TPDU swapped', async (_name, rc, c) => {
    const sw = await serve(resources, { spec: 'iso87pos', header: 'tpdu', framing: 'binary2' });
    const t = await sw.terminal({ framing: 'binary2', header: 'tpdu', tpdu: c.header });
    const { message: bytes } = caseBytes(c);
    const req = sw.codec.unpack(bytes);
    t.sendBytes(bytes);
    const answer = await t.nextAnswer();
    expect(answer.tpdu?.toString('hex')).toBe('6000000012');
    const res = sw.codec.unpack(answer.bytes);
    expect([res.mti, res.get(39)]).toEqual([`${req.mti.slice(0, 2)}${Number(req.mti[2]) + 1}0`, rc]);
    for (const de of [35, 52, 55, 14]) expect(res.has(de)).toBe(false);
    for (const de of [3, 4, 11, 12, 13, 24, 41, 42]) if (req.has(de)) expect(res.get(de)).toEqual(req.get(de));
  });

  it('reads a TPDU by default for iso87pos when --header is not given', async () => {
    const sw = await serve(resources, { spec: 'iso87pos', framing: 'binary2' });
    const c = requests.find((r) => r.name === '0100-chip-pin')!;
    const t = await sw.terminal({ framing: 'binary2', header: 'tpdu', tpdu: c.header });
    t.sendBytes(caseBytes(c).message);
    const answer = await t.nextAnswer();
    expect([answer.tpdu?.toString('hex'), sw.codec.unpack(answer.bytes).get(39)]).toEqual(['6000000012', '00']);
  });

  it('answers the primer 4b 0100 with the fields of the worked 0110 (DE 37 and 38 its own)', async () => {
    const sw = await serve(resources, { spec: 'iso87pos', header: 'tpdu', framing: 'binary2' });
    const [request, response] = ['0100-chip-pin', '0110-chip-approved'].map((n) => listCases('iso87pos').find((c) => c.name === n)!);
    const t = await sw.terminal({ framing: 'binary2', header: 'tpdu', tpdu: request.header });
    t.sendBytes(caseBytes(request).message);
    const answer = await t.nextAnswer();
    expect(answer.tpdu?.toString('hex').toUpperCase()).toBe(response.header);
    const res = sw.codec.unpack(answer.bytes);
    expect(res.fields().map(String)).toEqual(Object.keys(response.json.fields));
    for (const de of [3, 4, 11, 12, 13, 24, 39, 41, 42]) expect(res.get(de)).toEqual(response.json.fields[de]);
  });
});

describe('serve stopping', () => {
  it('sends the answer still waiting on the issuer before it closes the connection', async () => {
    const sw = await serve(resources, { issuerTimeoutMs: 300 });
    const t = await sw.terminal();
    const slow = cardFor('91');
    t.send(message(sw.codec, '0100', purchaseFields(slow.pan, slow.expiry)));
    await expectNextIsEchoAnswer(sw, t); // the 0100 was read before the echo: it is at the issuer now
    const stopped = sw.stop();
    expect((await t.receive()).get(39)).toBe('91');
    await t.closed();
    await stopped;
    expect(await sw.log.next('server.closed')).toMatchObject({ graceful: 1, forced: 0 });
  });
});

describe('serve with 200 terminals at once', () => {
  it('answers every request of 200 connections sending 3 authorizations each, all approved and matched', async () => {
    const sw = await serve(resources, { logLevel: 'info' });
    const card = cardFor('00', 'load');
    const terminals = await Promise.all(Array.from({ length: 200 }, () => sw.terminal()));
    const results = await Promise.all(terminals.map(async (t, i) => {
      const tid = `T${String(i).padStart(7, '0')}`;
      const sent = [0, 1, 2].map(() => message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, 1_000, { 41: tid })));
      for (const m of sent) t.send(m);
      const got = [await t.receive(), await t.receive(), await t.receive()];
      return { tid, sent: sent.map((m) => m.get(11)).sort(), got };
    }));
    for (const { tid, sent, got } of results) {
      expect(got.map((m) => m.get(11)).sort()).toEqual(sent);
      for (const m of got) expect([m.mti, m.get(39), m.get(41)]).toEqual(['0110', '00', tid]);
    }
    expect(sw.running.server.stats).toMatchObject({ accepted: 200, refused: 0, framesIn: 600, framesOut: 600 });
    expect(sw.log.events('txn.done')).toHaveLength(600);
  });
});
