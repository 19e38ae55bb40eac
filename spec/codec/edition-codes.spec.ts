import { describe, expect, it } from 'vitest';
import { ISSUER_TO_ACTION_CODE, RESPONSE_ECHO_FIELDS, actionCodeOf, responseCodeOf } from '../../src/codec/index.js';

describe('responseCodeOf', () => {
  it('issue #15: reads the 1987 -> 1993 table backwards, so every 1987 code in it comes back', () => {
    for (const [rc, action] of ISSUER_TO_ACTION_CODE) expect(responseCodeOf(actionCodeOf(rc)), `${rc} -> ${action}`).toBe(rc);
  });

  it.each([
    ['400', '00'], ['800', '00'], ['001', '00'], ['911', '91'], ['912', '91'], ['910', '91'], ['106', '75'], ['107', '01'],
    ['923', '96'], ['199', '05'], ['208', '41'], ['299', '05'], ['51', '51'], ['ABC', '05'], ['', '05'],
  ])('issue #15: gives a 1987 terminal the action code %s as %s', (action, rc) => {
    expect(responseCodeOf(action)).toBe(rc);
  });
});

describe('RESPONSE_ECHO_FIELDS', () => {
  it('echoes what identifies the request and never card secrets (primer §5)', () => {
    expect(RESPONSE_ECHO_FIELDS).toEqual([2, 3, 4, 7, 11, 12, 13, 24, 32, 33, 37, 41, 42, 49]);
    for (const de of [14, 35, 36, 45, 52, 53, 55]) expect(RESPONSE_ECHO_FIELDS).not.toContain(de);
    expect(Object.isFrozen(RESPONSE_ECHO_FIELDS)).toBe(true);
  });
});
