// The audit trail end to end (issue #5), through the real serve wiring over TCP: every kind of
// transaction the switch answers leaves exactly one record with the values of its request, route,
// outcome and answer, and the trace id of its txn.done line; a frame dropped unanswered leaves none.
// Strict mode is checked as each answer arrives (the record is on disk before the answer leaves),
// async mode after the drain; the chain verifies at the end, keyed or not.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/index.js';
import type { IsoMessage } from '../../src/codec/index.js';
import { auditRecords, expectRecord, expectTimeOrdered, fixtureRoute, type ExpectedRecord } from '../helpers/audit-trail.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { cardFor, testCards, type TestCard } from '../helpers/test-cards.js';
import { message, networkFields, originalData, purchaseFields, type Fields, type Terminal } from '../helpers/terminal.js';

const KEY = 'audit-e2e-hmac-key';
const FULL = ['validate', 'dedupe', 'route', 'authorize', 'respond'];
const DECIDED_BY_VALIDATE = ['validate', 'respond'];
const PIN_BLOCK = '7A3F9C21D04B6E18';
const DE43 = 'ACME GROCERY           SPRINGFIELD  ILUS';

interface Lane {
  sw: Served;
  t: Terminal;
  /** The terminal's address as the switch sees it. */
  remote: string;
  send(mti: string, fields: Fields): Promise<{ req: IsoMessage; res: IsoMessage }>;
  /** Sends `bytes` as one frame, then an echo test; resolves with the echo's exchange once it is answered. */
  sendThenEcho(bytes: Buffer): Promise<{ req: IsoMessage; res: IsoMessage }>;
}

async function openLane(resources: Resources, flags: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<Lane> {
  const sw = await serve(resources, { issuerTimeoutMs: 100, ...flags }, env);
  const t = await sw.terminal();
  const send = async (mti: string, fields: Fields): Promise<{ req: IsoMessage; res: IsoMessage }> => {
    const req = message(sw.codec, mti, fields);
    return { req, res: await t.request(req) };
  };
  return {
    sw, t, send,
    remote: `127.0.0.1:${t.socket.localPort}`,
    async sendThenEcho(bytes) {
      t.sendBytes(bytes);
      const x = await send('0800', networkFields('301'));
      expect([x.res.mti, x.res.get(11)]).toEqual(['0810', x.req.get(11)]); // nothing came back for the frame
      return x;
    },
  };
}

/** The clear PAN of a request: DE 2, else track 2 up to its separator. */
function panIn(req: IsoMessage): string | null {
  return req.getString(2) ?? req.getString(35)?.split('=')[0] ?? null;
}

/** A request answered by the issuer stub after every stage ran. */
function byIssuer(lane: Lane, x: { req: IsoMessage; res: IsoMessage }, more: Partial<ExpectedRecord> = {}): ExpectedRecord {
  const pan = panIn(x.req);
  return { ...x, pan, route: pan === null ? null : fixtureRoute(pan), stages: FULL, remote: lane.remote, ...more };
}

/** A request the validate stage answered (RC 12, 14, 30): no route. */
function byValidate(lane: Lane, x: { req: IsoMessage; res: IsoMessage }, more: Partial<ExpectedRecord> = {}): ExpectedRecord {
  return byIssuer(lane, x, { route: null, stages: DECIDED_BY_VALIDATE, ...more });
}

function cardRecord(lane: Lane, card: TestCard, x: { req: IsoMessage; res: IsoMessage }): ExpectedRecord {
  if (card.why.includes('Luhn')) return byValidate(lane, x);
  if (card.rc === '15') return byIssuer(lane, x, { route: null, stages: ['validate', 'dedupe', 'route', 'respond'] });
  if (card.rc === '91') return byIssuer(lane, x, { failedStage: 'authorize', error: { code: 'ISSUER_TIMEOUT', field: null, offset: null } });
  return byIssuer(lane, x);
}

interface Step {
  name: string;
  /** Drives the switch; resolves with one expectation per record the step must add, in order. */
  run(lane: Lane): Promise<ExpectedRecord[]>;
}

const approving = cardFor('00');

const STEPS: Step[] = [
  ...testCards().map((card): Step => ({
    name: `0100 answered ${card.outcome} (${card.why})`,
    async run(lane) {
      const x = await lane.send('0100', purchaseFields(card.pan, card.expiry));
      expect([x.res.mti, x.res.get(39)]).toEqual(['0110', card.rc]);
      return [cardRecord(lane, card, x)];
    },
  })),
  {
    name: '0200 with track 2 and PIN block, approved',
    async run(lane) {
      const track2 = `${approving.pan}=${approving.expiry}2011000123`;
      const x = await lane.send('0200', purchaseFields(approving.pan, null, 2_500, { 2: undefined, 22: '901', 35: track2, 52: PIN_BLOCK }));
      expect([x.res.mti, x.res.get(39)]).toEqual(['0210', '00']);
      return [byIssuer(lane, x)];
    },
  },
  {
    name: 'approval, its reversal (0400 by DE 90) and a repeat reversal',
    async run(lane) {
      const auth = await lane.send('0100', purchaseFields(approving.pan, approving.expiry, 3_000));
      const reversal = (): Promise<{ req: IsoMessage; res: IsoMessage }> =>
        lane.send('0400', { ...purchaseFields(approving.pan, approving.expiry, 3_000), 90: originalData(auth.req) });
      const first = await reversal();
      const again = await reversal();
      expect([auth.res.get(39), first.res.mti, first.res.get(39), again.res.get(39)]).toEqual(['00', '0410', '00', '00']);
      const reversed = { route: { issuer: 'stub', bin: null } };
      return [byIssuer(lane, auth), byIssuer(lane, first, reversed), byIssuer(lane, again, reversed)];
    },
  },
  {
    name: 'a duplicate 0100 answered with the first answer',
    async run(lane) {
      const req = message(lane.sw.codec, '0100', purchaseFields(approving.pan, approving.expiry, 1_200));
      const first = { req, res: await lane.t.request(req) };
      lane.t.send(req);
      const answer = await lane.t.nextAnswer();
      expect(answer.bytes).toEqual(lane.sw.codec.pack(first.res));
      const dup = { req, res: lane.sw.codec.unpack(answer.bytes) };
      return [byIssuer(lane, first), byIssuer(lane, dup, { route: null, stages: ['validate', 'dedupe', 'respond'], duplicate: true })];
    },
  },
  ...[['001', 'sign-on'], ['002', 'sign-off'], ['301', 'echo test']].map(([code, what]): Step => ({
    name: `0800 ${what}`,
    async run(lane) {
      const x = await lane.send('0800', networkFields(code));
      expect([x.res.mti, x.res.get(39)]).toEqual(['0810', '00']);
      return [byIssuer(lane, x, { route: { issuer: 'switch', bin: null } })];
    },
  })),
  {
    name: 'an unknown request MTI 0500 answered 12',
    async run(lane) {
      const x = await lane.send('0500', purchaseFields(approving.pan, approving.expiry));
      expect([x.res.mti, x.res.get(39)]).toEqual(['0510', '12']);
      return [byValidate(lane, x)];
    },
  },
  {
    name: 'an 0100 without DE 41 answered 30',
    async run(lane) {
      const x = await lane.send('0100', purchaseFields(approving.pan, approving.expiry, 10_000, { 41: undefined }));
      expect(x.res.get(39)).toBe('30');
      return [byValidate(lane, x)];
    },
  },
  {
    name: 'an 0100 cut inside DE 43 answered 30, the error naming code, field and offset',
    async run(lane) {
      const fields = purchaseFields(approving.pan, approving.expiry, 10_000, { 43: DE43 });
      const bytes = lane.sw.codec.pack(message(lane.sw.codec, '0100', fields));
      lane.t.sendBytes(bytes.subarray(0, bytes.length - 20));
      const res = await lane.t.receive();
      expect([res.mti, res.get(39), res.get(11)]).toEqual(['0110', '30', fields[11]]);
      const readable = message(lane.sw.codec, '0100', { ...fields, 43: undefined, 49: undefined }); // what precedes DE 43
      const error = { code: 'CODEC_TRUNCATED', field: 43, offset: bytes.indexOf(DE43) };
      return [byValidate(lane, { req: readable, res }, { error })];
    },
  },
  {
    name: 'a frame with an unreadable MTI, dropped: only the echo after it is recorded',
    async run(lane) {
      const unreadable = lane.sw.running.switch.counters.unreadable;
      const echo = await lane.sendThenEcho(Buffer.from('AB00723C448108E08000', 'latin1'));
      expect(lane.sw.running.switch.counters.unreadable).toBe(unreadable + 1);
      return [byIssuer(lane, echo, { route: { issuer: 'switch', bin: null } })];
    },
  },
  {
    name: 'an unsolicited 0110, dropped: only the echo after it is recorded',
    async run(lane) {
      const before = lane.sw.running.switch.counters.unsolicitedResponses;
      const unsolicited = message(lane.sw.codec, '0110', { ...purchaseFields(approving.pan, null), 39: '00' });
      const echo = await lane.sendThenEcho(lane.sw.codec.pack(unsolicited));
      expect(lane.sw.running.switch.counters.unsolicitedResponses).toBe(before + 1);
      return [byIssuer(lane, echo, { route: { issuer: 'switch', bin: null } })];
    },
  },
];

const MODES = [
  { mode: 'strict', flags: {}, env: {}, key: null },
  { mode: 'strict with ISOTRACE_AUDIT_KEY', flags: {}, env: { ISOTRACE_AUDIT_KEY: KEY }, key: Buffer.from(KEY, 'utf8') },
  { mode: 'async', flags: { auditMode: 'async' }, env: {}, key: null },
];

describe.each(MODES)('audit trail of serve, $mode', ({ mode, flags, env, key }) => {
  const resources = new Resources();
  const isStrict = mode.startsWith('strict');
  const expected: ExpectedRecord[] = [];
  let lane: Lane;

  beforeAll(async () => {
    lane = await openLane(resources, flags, env);
  });
  afterAll(() => resources.run());

  it.each(STEPS)(`records $name${isStrict ? ' before the answer leaves' : ''}`, async (step) => {
    const added = await step.run(lane);
    const from = expected.length;
    expected.push(...added);
    if (!isStrict) return; // async: the records may still be on their way to disk
    const records = await auditRecords(lane.sw.auditDir);
    const done = lane.sw.log.events('txn.done');
    expect(records).toHaveLength(expected.length);
    expect(done).toHaveLength(expected.length);
    added.forEach((e, i) => expectRecord(records[from + i], e, done[from + i]));
  });

  it('holds exactly one record per answered transaction, ids in time order, and the chain verifies', async () => {
    await lane.sw.stop();
    const records = await auditRecords(lane.sw.auditDir);
    const done = lane.sw.log.events('txn.done');
    expect(records).toHaveLength(expected.length);
    expect(done).toHaveLength(expected.length);
    expected.forEach((e, i) => expectRecord(records[i], e, done[i]));
    expectTimeOrdered(records);
    expect(await verifyAudit(lane.sw.auditDir, key)).toMatchObject({ ok: true, records: records.length, head: records.at(-1)!.hash });
    expect(lane.sw.log.events('audit.write_failed')).toEqual([]);
  });

  it(key === null ? 'fails verification with a key it was not written with' : 'refuses verification without ISOTRACE_AUDIT_KEY', async () => {
    if (key === null) {
      expect(await verifyAudit(lane.sw.auditDir, Buffer.from('some other key'))).toMatchObject({ ok: false, line: 1, reason: expect.stringMatching(/not keyed/) });
    } else {
      await expect(verifyAudit(lane.sw.auditDir, null)).rejects.toMatchObject({ code: 'AUDIT_KEY_REQUIRED' });
    }
  });
});
