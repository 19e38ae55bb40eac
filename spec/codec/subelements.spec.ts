// Tagged subelements (DE 48: tag, 3-digit length, value) and field paths (`63`, `48:TP`): read,
// write, remove, parse, check against a spec, and errors that name the field and the offset.

import { describe, expect, it } from 'vitest';
import {
  DecodeError, EncodeError, IsoMessage, builtinSpec, fieldPathProblem, fieldPathText, parseFieldPath, readFieldPath, readSubelement,
  removeFieldPath, removeSubelement, writeFieldPath, writeSubelement,
} from '../../src/codec/index.js';
import { thrown } from '../helpers/bytes.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('readSubelement', () => {
  it('finds a tag wherever it lies in the run', () => {
    const data = `AB003xyzTP055${TRACEPARENT}ZZ000`;
    expect(readSubelement(data, 'AB')).toBe('xyz');
    expect(readSubelement(data, 'TP')).toBe(TRACEPARENT);
    expect(readSubelement(data, 'ZZ')).toBe('');
  });

  it('answers null when the tag is absent or the field empty', () => {
    expect(readSubelement('AB003xyz', 'TP')).toBeNull();
    expect(readSubelement('', 'TP')).toBeNull();
  });

  it('does not take a value that happens to spell the tag for the tag', () => {
    expect(readSubelement('AB004TP01CD002ok', 'TP')).toBeNull();
  });

  it.each([
    ['a header cut short', 'AB003xyzTP0', 8, /subelement header truncated: 3 of 5 characters/],
    ['a non-digit length', 'ABx03xyz', 0, /subelement length is not 3 digits/],
    ['a value past the end', 'AB003xyzTP056' + TRACEPARENT, 8, /value of 56 characters runs past the field's end/],
  ])('throws CODEC_BAD_SUBELEMENT naming the field and offset for %s', (_what, data, at, message) => {
    const err = thrown(() => readSubelement(data, 'TP', 48, 100)) as DecodeError;
    expect(err).toBeInstanceOf(DecodeError);
    expect(err).toMatchObject({ code: 'CODEC_BAD_SUBELEMENT', field: 48, offset: 100 + at });
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/^field 48: /);
  });
});

describe('writeSubelement and removeSubelement', () => {
  it('appends a tag that is absent, replaces one that is present, keeping the others in order', () => {
    const once = writeSubelement('AB003xyz', 'TP', 'first');
    expect(once).toBe('AB003xyzTP005first');
    expect(writeSubelement(`${once}CD001z`, 'TP', TRACEPARENT)).toBe(`AB003xyzTP055${TRACEPARENT}CD001z`);
    expect(writeSubelement(undefined, 'TP', '')).toBe('TP000');
  });

  it('removes a tag and leaves the rest as it was', () => {
    expect(removeSubelement(`AB003xyzTP055${TRACEPARENT}CD001z`, 'TP')).toBe('AB003xyzCD001z');
    expect(removeSubelement('AB003xyz', 'TP')).toBe('AB003xyz');
  });

  it.each([
    ['a one-character tag', 'T', 'v', /tag must be 2 letters or digits/],
    ['a tag with a space', 'T ', 'v', /tag must be 2 letters or digits/],
    ['a value over 999 characters', 'TP', 'x'.repeat(1000), /value of 1000 characters exceeds 999/],
  ])('throws EncodeError CODEC_BAD_VALUE for %s', (_what, tag, value, message) => {
    const err = thrown(() => writeSubelement('', tag, value));
    expect(err).toBeInstanceOf(EncodeError);
    expect(err).toMatchObject({ code: 'CODEC_BAD_VALUE', field: 48 });
    expect(err.message).toMatch(message);
  });
});

describe('field paths', () => {
  it.each([
    ['63', { de: 63, tag: null }],
    ['48:TP', { de: 48, tag: 'TP' }],
    ['128:a1', { de: 128, tag: 'a1' }],
  ])('parses %s', (text, path) => {
    expect(parseFieldPath(text)).toEqual(path);
    expect(fieldPathText(parseFieldPath(text)!)).toBe(text);
  });

  it.each(['', '1', '129', '48:', '48:T', '48:TPX', '48:T-', 'TP', '48 :TP', '-3', '63.0'])('refuses %j', (text) => {
    expect(parseFieldPath(text)).toBeNull();
  });

  it('reads, writes and removes a whole field and a subelement of a message', () => {
    const msg = new IsoMessage('0100').set(48, 'AB003xyz');
    const whole = parseFieldPath('63')!;
    const tagged = parseFieldPath('48:TP')!;
    expect(readFieldPath(msg, whole)).toBeNull();
    expect(readFieldPath(msg, tagged)).toBeNull();
    writeFieldPath(msg, whole, TRACEPARENT);
    writeFieldPath(msg, tagged, TRACEPARENT);
    expect(msg.get(63)).toBe(TRACEPARENT);
    expect(msg.get(48)).toBe(`AB003xyzTP055${TRACEPARENT}`);
    expect(readFieldPath(msg, tagged)).toBe(TRACEPARENT);
    removeFieldPath(msg, whole);
    removeFieldPath(msg, tagged);
    expect(msg.has(63)).toBe(false);
    expect(msg.get(48)).toBe('AB003xyz');
    removeFieldPath(msg.set(48, `TP055${TRACEPARENT}`), tagged);
    expect(msg.has(48)).toBe(false); // nothing else was left in it
  });

  it('names what a spec cannot carry, and passes the private fields of the built-in specs', () => {
    const spec = builtinSpec('iso87binary');
    expect(fieldPathProblem(spec, { de: 63, tag: null }, 55)).toBeNull();
    expect(fieldPathProblem(spec, { de: 48, tag: 'TP' }, 55)).toBeNull();
    expect(fieldPathProblem(builtinSpec('iso93ascii'), { de: 48, tag: 'TP' }, 55)).toBeNull();
    expect(fieldPathProblem(spec, { de: 11, tag: null }, 55)).toBe('field 11 of spec iso87binary is of class n; a trace context needs class ans');
    expect(fieldPathProblem(spec, { de: 65, tag: null }, 55)).toMatch(/^field 65 of spec iso87binary is of class b/);
    expect(fieldPathProblem({ ...spec, fields: { ...spec.fields, 63: { ...spec.fields[63], length: 40 } } }, { de: 63, tag: null }, 55))
      .toBe('field 63 of spec iso87binary holds at most 40 characters; 55 are needed');
    expect(fieldPathProblem({ ...spec, fields: { ...spec.fields, 48: { ...spec.fields[48], length: 59 } } }, { de: 48, tag: 'TP' }, 55))
      .toBe('field 48 of spec iso87binary holds at most 59 characters; 60 are needed');
    expect(fieldPathProblem({ ...spec, fields: { ...spec.fields, 63: { ...spec.fields[63], prefix: 'fixed', length: 55 } } }, { de: 63, tag: null }, 55))
      .toBe('field 63 of spec iso87binary is of fixed length 55; a trace context needs a variable-length field');
    const { 62: _dropped, ...without62 } = spec.fields;
    expect(fieldPathProblem({ ...spec, fields: without62 }, { de: 62, tag: null }, 55)).toBe('spec iso87binary does not define field 62');
  });
});
