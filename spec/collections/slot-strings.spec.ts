// SlotStrings: each slot gives back exactly the string last set in it, whether kept inline as
// latin1 bytes or in the side map (longer than the width, or past latin1), and copyRun moves both.

import { describe, expect, it } from 'vitest';
import { SlotStrings } from '../../src/collections/slot-strings.js';

const WIDTH = 4;

describe('SlotStrings', () => {
  it.each([255, -1, 1.5])('refuses a width of %s: only 0..254 leaves the overflow marker free', (width) => {
    expect(() => new SlotStrings(width, 1)).toThrow(/width must be 0\.\.254/);
  });

  it('has as many slots as it was made with', () => {
    expect(new SlotStrings(WIDTH, 7).slots).toBe(7);
    expect(new SlotStrings(0, 3).slots).toBe(3);
    expect(new SlotStrings(WIDTH, 0).slots).toBe(0);
  });

  it('reads an empty string from a slot never set', () => {
    const strings = new SlotStrings(WIDTH, 3);
    expect(strings.get(1)).toBe('');
    expect(strings.is(1, '')).toBe(true);
    expect(strings.is(1, 'a')).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['one char', 'a'],
    ['exactly the width', 'abcd'],
    ['latin1 past ascii at the width', '\u00ff\u0080\u00e9\u0000'],
    ['one over the width (overflow)', 'abcde'],
    ['far over the width (overflow)', 'x'.repeat(300)],
    ['a euro sign (overflow)', '€'],
    ['a snowman after latin1 chars (overflow)', 'ab☃'],
    ['a char just past latin1 (overflow)', '\u0100'],
    ['a surrogate pair (overflow)', '😀'],
  ])('gives back the string set and is() it when %s', (_, s) => {
    const strings = new SlotStrings(WIDTH, 3);
    strings.set(1, s);
    expect(strings.get(1)).toBe(s);
    expect(strings.is(1, s)).toBe(true);
    // Neighbours untouched.
    expect(strings.get(0)).toBe('');
    expect(strings.get(2)).toBe('');
  });

  it.each([
    ['a prefix', 'abcd', 'abc'],
    ['a longer string', 'abc', 'abcd'],
    ['the empty string', 'ab', ''],
    ['one char different', 'abcd', 'abce'],
    ['the first char different', 'abcd', 'bbcd'],
    ['a char that is the same byte mod 256', 'a', '\u0161'],
    ['an overflow prefix', 'abcdef', 'abcde'],
    ['an overflow string one char longer', 'abcde', 'abcdef'],
    ['an overflow string with another char', '€uro', '$uro'],
    ['a short string against an overflow', 'abcdefgh', 'abcd'],
  ])('is() is false for %s', (_, stored, other) => {
    const strings = new SlotStrings(WIDTH, 2);
    strings.set(0, stored);
    expect(strings.is(0, other)).toBe(false);
    expect(strings.is(0, stored)).toBe(true);
  });

  it.each([
    ['overflow then short', 'abcdefg', 'xy'],
    ['non-latin1 then short', '☃', 'z'],
    ['short then overflow', 'xy', 'abcdefg'],
    ['short then non-latin1', 'abcd', 'ab€'],
    ['overflow then overflow', 'abcdefg', '€€€€€€'],
    ['long then shorter', 'abcd', 'a'],
  ])('gives back the new string when overwritten, %s', (_, before, after) => {
    const strings = new SlotStrings(WIDTH, 2);
    strings.set(0, before);
    strings.set(0, after);
    expect(strings.get(0)).toBe(after);
    expect(strings.is(0, after)).toBe(true);
    expect(strings.is(0, before)).toBe(false);
  });

  it('keeps a slot short after an overflow was overwritten, then set long again', () => {
    const strings = new SlotStrings(WIDTH, 1);
    strings.set(0, 'long-one');
    strings.set(0, 'ab');
    strings.set(0, 'long-two');
    expect(strings.get(0)).toBe('long-two');
    expect(strings.is(0, 'long-one')).toBe(false);
    strings.set(0, 'cd');
    expect(strings.get(0)).toBe('cd');
    expect(strings.is(0, 'long-two')).toBe(false);
  });

  it.each([
    ['a short string', 'abc'],
    ['an overflow string', 'abcdefgh'],
    ['a non-latin1 string', '☃'],
  ])('reads empty after clear() of %s', (_, s) => {
    const strings = new SlotStrings(WIDTH, 2);
    strings.set(0, s);
    strings.set(1, 'keep');
    strings.clear(0);
    expect(strings.get(0)).toBe('');
    expect(strings.is(0, '')).toBe(true);
    expect(strings.is(0, s)).toBe(false);
    expect(strings.get(1)).toBe('keep');
  });

  it('sets a short string after clear() of an overflow slot', () => {
    const strings = new SlotStrings(WIDTH, 1);
    strings.set(0, 'overflowing');
    strings.clear(0);
    strings.set(0, 'ok');
    expect(strings.get(0)).toBe('ok');
    expect(strings.is(0, 'overflowing')).toBe(false);
  });

  it('keeps every string with width 0: only the empty one inline', () => {
    const strings = new SlotStrings(0, 3);
    strings.set(0, '');
    strings.set(1, 'a');
    strings.set(2, '€');
    expect([strings.get(0), strings.get(1), strings.get(2)]).toEqual(['', 'a', '€']);
    expect(strings.is(1, '')).toBe(false);
  });

  describe('copyRun', () => {
    const SOURCE = ['s0', 'overflow-1', 's2', '☃', '', 'abcd', 'overflow-6', 's7'];

    function filled(values: readonly string[]): SlotStrings {
      const strings = new SlotStrings(WIDTH, values.length);
      values.forEach((s, slot) => strings.set(slot, s));
      return strings;
    }

    it('copies a run with overflow strings to shifted slots and leaves the others alone', () => {
      const source = filled(SOURCE);
      const target = filled(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 'target-overflow-9']);
      target.copyRun(source, 1, 4, 5);
      const got = Array.from({ length: target.slots }, (_, slot) => target.get(slot));
      expect(got).toEqual(['t0', 't1', 't2', 't3', 'overflow-1', 's2', '☃', '', 'abcd', 'target-overflow-9']);
      for (const [slot, s] of got.entries()) expect(target.is(slot, s)).toBe(true);
      // The source is unchanged, including its overflow strings outside the run.
      expect(Array.from({ length: source.slots }, (_, slot) => source.get(slot))).toEqual(SOURCE);
    });

    it('copies to lower slots and into a bigger table', () => {
      const source = filled(SOURCE);
      const target = new SlotStrings(WIDTH, 16);
      target.copyRun(source, 5, 0, 3);
      target.copyRun(source, 0, 3, 5);
      const got = Array.from({ length: 8 }, (_, slot) => target.get(slot));
      expect(got).toEqual(['abcd', 'overflow-6', 's7', 's0', 'overflow-1', 's2', '☃', '']);
      expect(target.get(8)).toBe('');
      expect(target.get(15)).toBe('');
    });

    it('copies nothing when the count is 0', () => {
      const source = filled(SOURCE);
      const target = filled(['a', 'b', 'c']);
      target.copyRun(source, 1, 0, 0);
      expect([target.get(0), target.get(1), target.get(2)]).toEqual(['a', 'b', 'c']);
    });

    it('copies over overflow slots of the target with short strings', () => {
      const source = filled(['x', 'y']);
      const target = filled(['long-zero', 'long-one', 'long-two']);
      target.copyRun(source, 0, 1, 2);
      expect([target.get(0), target.get(1), target.get(2)]).toEqual(['long-zero', 'x', 'y']);
      expect(target.is(1, 'long-one')).toBe(false);
      expect(target.is(2, 'y')).toBe(true);
    });

    it('leaves copied slots independent of the source', () => {
      const source = filled(['short', 'overflowing']);
      const target = new SlotStrings(WIDTH, 2);
      target.copyRun(source, 0, 0, 2);
      source.set(0, 'new');
      source.set(1, 'also-new-and-long');
      target.set(0, '☃');
      expect([target.get(0), target.get(1)]).toEqual(['☃', 'overflowing']);
      expect([source.get(0), source.get(1)]).toEqual(['new', 'also-new-and-long']);
    });
  });
});
