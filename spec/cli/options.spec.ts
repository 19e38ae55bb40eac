// The options several commands share: --framing is typed and checked in one place.

import { describe, expect, it } from 'vitest';
import { framingOf, framingOption } from '../../src/cli/options.js';
import { FRAMINGS } from '../../src/transport/index.js';

describe('framingOf', () => {
  it.each(FRAMINGS.map((f) => [f]))('returns %s as it is', (framing) => {
    expect(framingOf(framing)).toBe(framing);
  });

  it('refuses a name that is no framing with CLI_BAD_VALUE naming where it came from and the choices', () => {
    expect(() => framingOf('ascii5', 'scenario x framing')).toThrow(
      expect.objectContaining({ code: 'CLI_BAD_VALUE', message: expect.stringMatching(/^scenario x framing must be one of ascii4, .* \(got "ascii5"\)$/) }),
    );
  });
});

describe('framingOption', () => {
  it('offers exactly the transport framings, with the default only when one is given', () => {
    expect(framingOption('h', 'binary2').argChoices).toEqual([...FRAMINGS]);
    expect(framingOption('h', 'binary2').defaultValue).toBe('binary2');
    expect(framingOption('h').defaultValue).toBeUndefined();
  });
});
