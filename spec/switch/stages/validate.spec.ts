import { describe, expect, it } from 'vitest';
import { DecodeError, type IsoMessage } from '../../../src/codec/index.js';
import { TxnContext, kindOf } from '../../../src/switch/index.js';
import { validate } from '../../../src/switch/stages/validate.js';
import { IdSource, TraceRecord } from '../../../src/trace/index.js';
import { CONN, testSwitch } from '../../helpers/switch-env.js';
import { cardFor } from '../../helpers/test-cards.js';
import { message, networkFields, purchaseFields, type Fields } from '../../helpers/terminal.js';

const { env } = testSwitch();
const card = cardFor('00');

function validated(req: IsoMessage, decodeError: DecodeError | null = null): TxnContext {
  const ctx = new TxnContext(new TraceRecord(new IdSource(), 'x'), CONN, 0, req, decodeError);
  validate(ctx, env);
  return ctx;
}

describe('kindOf', () => {
  it.each([
    ['0100', 'authorization'], ['0101', 'authorization'], ['0200', 'financial'], ['0201', 'financial'],
    ['0400', 'reversal'], ['0401', 'reversal'], ['0420', 'reversal'], ['0421', 'reversal'], ['0800', 'network'], ['0801', 'network'],
    ['0102', 'unsupported'], ['0120', 'unsupported'], ['0220', 'unsupported'], ['0500', 'unsupported'], ['0600', 'unsupported'],
    ['0804', 'unsupported'], ['1100', 'unsupported'], ['2100', 'unsupported'], ['0110', 'unsupported'],
  ])('classifies %s as %s', (mti, kind) => {
    expect(kindOf(mti)).toBe(kind);
  });
});

describe('validate', () => {
  it.each([
    ['a good purchase', '0100', purchaseFields(card.pan, card.expiry), false, '', card.pan],
    ['a purchase by track 2', '0200', purchaseFields(card.pan, null, 100, { 2: undefined, 35: `${card.pan}=2812` }), false, '', card.pan],
    ['a balance inquiry of zero', '0100', purchaseFields(card.pan, null, 0, { 3: '310000' }), false, '', card.pan],
    ['a zero purchase', '0100', purchaseFields(card.pan, null, 0), true, '13', card.pan],
    ['a bad Luhn digit', '0100', purchaseFields(cardFor('14', 'Luhn').pan, null), true, '14', cardFor('14', 'Luhn').pan],
    ['no card number', '0100', purchaseFields(card.pan, null, 100, { 2: undefined }), true, '30', null],
    ['no DE 3', '0100', purchaseFields(card.pan, null, 100, { 3: undefined }), true, '30', null],
    ['a reversal with only DE 11 and 41', '0400', { 11: '000001', 41: 'TERM0001' }, false, '', null],
    ['a reversal without DE 41', '0420', { 11: '000001' }, true, '30', null],
    ['an 0800 with DE 70', '0800', networkFields('301'), false, '', null],
    ['an 0500', '0500', { 11: '000001' }, true, '12', null],
  ] as const)('handles %s', (_what, mti, fields: Fields, isDecided, rc, pan) => {
    const ctx = validated(message(env.codec, mti, fields));
    expect([ctx.isDecided, ctx.responseCode, ctx.pan]).toEqual([isDecided, rc, pan]);
  });

  it('answers 30 with the decode error kept when the request did not decode whole', () => {
    const err = new DecodeError('CODEC_BAD_DIGIT', { field: 4, offset: 44, detail: 'non-digit in n12' });
    const ctx = validated(message(env.codec, '0100', { 11: '000001' }), err);
    expect([ctx.responseCode, ctx.kind, ctx.error]).toEqual(['30', 'authorization', { code: 'CODEC_BAD_DIGIT', field: 4, offset: 44 }]);
  });
});
