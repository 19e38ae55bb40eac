// maskPan properties: for any digit string a PAN field can hold (up to 19 digits, and the 28
// characters of DE 34/102/103), the masked form hides at least 6 characters (all of them when
// shorter), shows at most 10, and what it shows is the value's own start and end in place.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPan } from '../../src/codec/index.js';

const RUNS = Number(process.env.FC_RUNS ?? 200);

describe('maskPan (properties)', () => {
  it('hides at least 6 and shows at most 10 characters when masking any digit string of up to 28', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{0,28}$/), (pan) => {
        const masked = maskPan(pan);
        expect(masked.length).toBe(pan.length);
        const hidden = [...masked].filter((c) => c === '*').length;
        expect(hidden).toBeGreaterThanOrEqual(Math.min(6, pan.length));
        expect(pan.length - hidden).toBeLessThanOrEqual(10);
        // One run of stars, with the value's own first and last characters around it.
        const m = /^([0-9]*)(\*+)([0-9]*)$/.exec(masked);
        if (pan.length === 0) return;
        expect(m).not.toBeNull();
        const [, head, , tail] = m as RegExpExecArray;
        expect(head.length).toBeLessThanOrEqual(6);
        expect(tail.length).toBeLessThanOrEqual(4);
        expect(pan.startsWith(head) && pan.endsWith(tail)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps exactly the first 6 and last 4 when masking any PAN of 16 to 19 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{16,19}$/), (pan) => {
        expect(maskPan(pan)).toBe(pan.slice(0, 6) + '*'.repeat(pan.length - 10) + pan.slice(-4));
      }),
      { numRuns: RUNS },
    );
  });
});
