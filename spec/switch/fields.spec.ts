import { describe, expect, it } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { acquirerOf, amountOf, expiryOf, isLuhnValid, merchantOf, panOf, rrnOf, stanOf, terminalOf } from '../../src/switch/index.js';
import { fileCards, testCards } from '../helpers/test-cards.js';

const msg = (fields: Record<number, string | Buffer>): IsoMessage => {
  const m = new IsoMessage('0100');
  for (const [de, v] of Object.entries(fields)) m.set(Number(de), v);
  return m;
};
const [PAN, OTHER_PAN] = fileCards().map((c) => c.pan);
/** `pan` with its last digit changed: fails Luhn. */
const badLuhn = (pan: string): string => pan.slice(0, -1) + String((Number(pan.at(-1)) + 1) % 10);

describe('panOf', () => {
  it.each([
    ['DE 2 when present', { 2: PAN, 35: `${OTHER_PAN}=2812201` }, PAN],
    ['track 2 digits before = when DE 2 is absent', { 35: `${PAN}=28122011000123` }, PAN],
    ['the whole track 2 when it has no separator', { 35: PAN }, PAN],
    ['track 2 when DE 2 is empty', { 2: '', 35: `${PAN}=2812` }, PAN],
  ])('reads %s', (_what, fields, expected) => {
    expect(panOf(msg(fields))).toBe(expected);
  });

  it('is null when neither DE 2 nor DE 35 is there, or DE 2 is bytes', () => {
    expect(panOf(msg({ 3: '000000' }))).toBeNull();
    expect(panOf(msg({ 2: Buffer.from('41') }))).toBeNull();
  });
});

describe('expiryOf', () => {
  it.each([
    ['DE 14', { 14: '2812', 35: `${PAN}=3001201` }, '2812'],
    ['the four digits after the track 2 separator', { 35: `${PAN}=2701201000` }, '2701'],
    ['track 2 when DE 14 is not four digits long', { 14: '28', 35: `${PAN}=2701` }, '2701'],
  ])('reads %s', (_what, fields, expected) => {
    expect(expiryOf(msg(fields))).toBe(expected);
  });

  it.each([
    ['nothing carries it', {}],
    ['track 2 has no separator', { 35: PAN }],
    ['track 2 ends within the expiry', { 35: `${PAN}=281` }],
  ])('is null when %s', (_what, fields) => {
    expect(expiryOf(msg(fields))).toBeNull();
  });
});

describe('amountOf', () => {
  it.each([
    ['000000012500', 12_500],
    ['000000000000', 0],
    ['999999999999', 999_999_999_999],
  ])('reads DE 4 %s as %d minor units', (de4, expected) => {
    expect(amountOf(msg({ 4: de4 }))).toBe(expected);
  });

  it.each([['absent', {}], ['with a letter', { 4: '00000001250A' }], ['empty', { 4: '' }], ['signed', { 4: '-00000012500' }]])('is NaN when DE 4 is %s', (_w, fields) => {
    expect(amountOf(msg(fields))).toBeNaN();
  });
});

describe('field accessors', () => {
  it('read STAN, terminal, merchant, acquirer and RRN, or "" when absent', () => {
    const m = msg({ 11: '000042', 41: 'TERM0001', 42: 'MERCHANT0000001', 32: '123456', 37: '516314000042' });
    expect([stanOf(m), terminalOf(m), merchantOf(m), acquirerOf(m), rrnOf(m)]).toEqual(['000042', 'TERM0001', 'MERCHANT0000001', '123456', '516314000042']);
    const empty = msg({});
    expect([stanOf(empty), terminalOf(empty), merchantOf(empty), acquirerOf(empty), rrnOf(empty)]).toEqual(['', '', '', '', '']);
  });
});

describe('isLuhnValid', () => {
  const valid = testCards().filter((c) => c.rc !== '14' || !c.outcome.includes('invalid')).map((c) => c.pan);

  it.each(valid)('accepts the test PAN %s', (pan) => {
    expect(isLuhnValid(pan)).toBe(true);
  });

  it.each(valid.map(badLuhn))('rejects %s, a test PAN with its last digit changed', (pan) => {
    expect(isLuhnValid(pan)).toBe(false);
  });

  it.each([
    ['11 digits', '42424242424'],
    ['20 digits', '42424242424242424242'],
    ['a letter', '424242424242424A'],
    ['a space', '4242 4242 4242 4242'],
    ['nothing', ''],
  ])('rejects %s', (_what, pan) => {
    expect(isLuhnValid(pan)).toBe(false);
  });

  it('accepts 12 and 19 digit numbers with a good check digit', () => {
    expect(isLuhnValid('000000000000')).toBe(true);
    expect(isLuhnValid('0000000000000000000')).toBe(true);
    expect(isLuhnValid('000000000018')).toBe(true);
    expect(isLuhnValid('000000000019')).toBe(false);
  });
});
