import { describe, expect, it } from 'vitest';
import { IsoMessage } from '../../../src/codec/index.js';
import { TxnContext, type TxnKind } from '../../../src/switch/index.js';
import { buildResponse, respond } from '../../../src/switch/stages/respond.js';
import { IdSource, TraceRecord } from '../../../src/trace/index.js';
import { CONN, testSwitch } from '../../helpers/switch-env.js';
import { cardFor } from '../../helpers/test-cards.js';
import { message, purchaseFields } from '../../helpers/terminal.js';

/** 2025-06-12T14:30:15Z, the primer's example time, in microseconds. */
const AT_US = Date.UTC(2025, 5, 12, 14, 30, 15) * 1000;
const { env } = testSwitch();
const card = cardFor('00');

/** A request carrying every field the switch might echo or must not, as the codec would decode it. */
function fullRequest(mti: string): IsoMessage {
  return message(env.codec, mti, {
    ...purchaseFields(card.pan, card.expiry, 12_500, { 7: '0612143015', 11: '123456', 24: '012', 33: '654321', 37: undefined }),
    35: `${card.pan}=2812201`, 36: '0'.repeat(20), 45: `B${card.pan}^TEST/CARD^2812`, 48: 'NOTE', 52: '7A3F9C21D04B6E18', 53: '2600000000000000',
    55: '9F2701809F360200A1', 70: '301', 90: '010012345606121430150000012345600000000000',
  });
}

function context(req: IsoMessage, kind: TxnKind, rc: string, approval: string | null = null): TxnContext {
  const ctx = new TxnContext(new TraceRecord(new IdSource(), `iso8583 ${req.mti}`, AT_US), CONN, AT_US, req, null);
  ctx.kind = kind;
  if (rc !== '') ctx.decide(rc, 'test', approval);
  return ctx;
}

const ECHOED = [2, 3, 4, 7, 11, 12, 13, 24, 32, 33, 41, 42, 49];

describe('buildResponse', () => {
  it.each([
    ['0100', 'authorization', '00', 'A1B2C3', [...ECHOED, 37, 38, 39]],
    ['0100', 'authorization', '51', null, [...ECHOED, 37, 39]],
    ['0200', 'financial', '00', 'A1B2C3', [...ECHOED, 37, 38, 39]],
    ['0400', 'reversal', '00', null, [...ECHOED, 37, 39, 90]],
    ['0420', 'reversal', '00', null, [...ECHOED, 37, 39, 90]],
    ['0800', 'network', '00', null, [...ECHOED, 39, 70]],
    ['0120', 'unsupported', '12', null, [...ECHOED, 39]],
  ] as const)('answers %s (%s, RC %s) with exactly the fields primer §5 allows', (mti, kind, rc, approval, fields) => {
    const req = fullRequest(mti);
    const res = buildResponse(context(req, kind, rc, approval), env);
    expect(res.mti).toBe(`${mti.slice(0, 2)}${Number(mti[2]) + 1}0`);
    expect(res.fields()).toEqual([...fields].sort((a, b) => a - b));
    for (const de of fields) if (req.has(de)) expect(res.get(de)).toEqual(req.get(de));
    expect(res.get(39)).toBe(rc);
    if (approval !== null) expect(res.get(38)).toBe(approval);
  });

  it('assigns DE 37 from the switch\'s RRN sequence when the request has none, and keeps one that it has', () => {
    const req = fullRequest('0100');
    expect(buildResponse(context(req, 'authorization', '00'), env).get(37)).toMatch(/^516314\d{6}$/);
    req.set(37, '999999999999');
    expect(buildResponse(context(req, 'authorization', '00'), env).get(37)).toBe('999999999999');
  });

  it('issue #13: assigns different RRNs to two terminals\' requests with the same STAN', () => {
    const a = fullRequest('0100');
    const b = fullRequest('0100').set(41, 'TERM0002');
    const [rrnA, rrnB] = [a, b].map((req) => buildResponse(context(req, 'authorization', '00'), env).get(37));
    expect(rrnA).not.toBe(rrnB);
  });

  it('keeps the RRN it assigned when the answer is built again', () => {
    const ctx = context(fullRequest('0100'), 'authorization', '00');
    const first = buildResponse(ctx, env).get(37);
    ctx.decide('96', 'test');
    expect(buildResponse(ctx, env).get(37)).toBe(first);
  });
});

describe('respond', () => {
  it('answers 96 when no stage decided', () => {
    const ctx = context(fullRequest('0100'), 'authorization', '');
    respond(ctx, env);
    expect(env.codec.unpack(ctx.responseBytes!).get(39)).toBe('96');
  });

  it('leaves the bytes of a duplicate alone', () => {
    const ctx = context(fullRequest('0100'), 'authorization', '00');
    const first = Buffer.from('first answer');
    ctx.responseBytes = first;
    respond(ctx, env);
    expect(ctx.responseBytes).toBe(first);
  });

  it('answers with MTI, DE 11, 41 and 39 when an echoed value cannot be packed', () => {
    const t = testSwitch();
    const req = fullRequest('0100').set(4, 'not digits');
    const ctx = context(req, 'authorization', '00', 'A1B2C3');
    respond(ctx, t.env);
    const res = t.env.codec.unpack(ctx.responseBytes!);
    expect([res.mti, res.fields()]).toEqual(['0110', [11, 39, 41]]);
    expect(t.log.events('txn.response_pack_failed')).toMatchObject([{ level: 'warn', err: { code: 'CODEC_BAD_DIGIT' } }]);
  });
});
