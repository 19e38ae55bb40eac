// MTI helpers: the meaning in words, whether it is a response, and the response to a request.

import { describe, expect, it } from 'vitest';
import { describeMti, isResponseMti, responseMti } from '../../src/codec/index.js';

describe('describeMti', () => {
  it.each([
    ['0100', 'authorization request (1987, acquirer)'],
    ['0110', 'authorization request response (1987, acquirer)'],
    ['0421', 'reversal advice (1987, acquirer repeat)'],
    ['0800', 'network management request (1987, acquirer)'],
    ['1804', 'network management request (1993, other)'],
    ['2100', 'authorization request (2003, acquirer)'],
    ['0220', 'financial advice (1987, acquirer)'],
    ['9622', 'administrative advice (private, issuer)'],
    ['0000', 'request (1987, acquirer)'],
    ['7999', ''],
  ])('reads %s as %j', (mti, words) => {
    expect(describeMti(mti)).toBe(words);
  });
});

describe('isResponseMti', () => {
  it.each([
    ['0110', true], ['0130', true], ['0410', true], ['0430', true], ['0810', true], ['1814', true],
    ['0100', false], ['0120', false], ['0420', false], ['0800', false], ['0101', false],
  ])('says %s is a response: %s', (mti, isResponse) => {
    expect(isResponseMti(mti)).toBe(isResponse);
  });
});

describe('responseMti', () => {
  it.each([
    ['0100', '0110'], ['0101', '0110'], ['0120', '0130'], ['0121', '0130'], ['0200', '0210'],
    ['0220', '0230'], ['0400', '0410'], ['0420', '0430'], ['0421', '0430'], ['0800', '0810'],
    ['1804', '1814'], ['0102', '0112'], ['0103', '0112'],
  ])('answers %s with %s', (request, response) => {
    expect(responseMti(request)).toBe(response);
  });
});
