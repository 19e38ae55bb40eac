// Spec files: overrides merge into the base, null removes a field, and every malformed spec fails
// with a SpecError naming the file, the field and the problem. Built-ins are found by name.

import { describe, expect, it } from 'vitest';
import { Codec, IsoMessage, SpecError, builtinSpec, builtinSpecNames, specFromFile, specVersion } from '../../src/codec/index.js';
import type { ErrorCode } from '../../src/common/index.js';
import { thrown } from '../helpers/bytes.js';

const load = (json: unknown) => specFromFile(json, 'link.json', builtinSpec);
const N3 = { name: 'Extra', class: 'n', length: 3, prefix: 'fixed', data: 'ascii' };

function expectSpecError(fn: () => unknown, code: ErrorCode, message: string): void {
  const err = thrown(fn) as SpecError;
  expect(err).toBeInstanceOf(SpecError);
  expect([err.name, err.code, err.message]).toEqual(['SpecError', code, message]);
}

describe('specFromFile', () => {
  it('merges a field override into the base field when only some keys are given', () => {
    const spec = load({ extends: 'iso87binary', fields: { 35: { padNibble: 'F' } } });
    expect(spec.fields[35]).toEqual({ ...builtinSpec('iso87binary').fields[35], padNibble: 'F' });
    expect(spec.fields[2]).toEqual(builtinSpec('iso87binary').fields[2]);
  });

  it('inherits name, description, MTI, bitmap and header when the file gives none', () => {
    const spec = load({ extends: 'iso87pos' });
    const base = builtinSpec('iso87pos');
    expect([spec.name, spec.description, spec.mti, spec.bitmap, spec.header]).toEqual(['iso87pos+link.json', base.description, base.mti, base.bitmap, 'tpdu']);
  });

  it('takes name, description, MTI and bitmap from the file when it gives them', () => {
    const spec = load({ name: 'acme', description: 'Acme host link', extends: 'iso87ascii', mti: { encoding: 'ebcdic' }, bitmap: { encoding: 'binary' }, header: 'tpdu' });
    expect([spec.name, spec.description, spec.mti, spec.bitmap, spec.header]).toEqual(['acme', 'Acme host link', { encoding: 'ebcdic' }, { encoding: 'binary' }, 'tpdu']);
  });

  it('removes a field when its override is null', () => {
    const spec = load({ extends: 'iso87ascii', fields: { 39: null, 65: null } });
    expect([39 in spec.fields, 65 in spec.fields, 38 in spec.fields]).toEqual([false, false, true]);
    expect(new Codec(spec).fields[39]).toBeUndefined();
  });

  it('adds a whole field definition when the spec it extends has none', () => {
    const parent = load({ name: 'parent', extends: 'iso87binary', fields: { 63: null } });
    const child = specFromFile({ extends: 'parent', fields: { 63: N3 } }, 'child.json', (name) => (name === 'parent' ? parent : builtinSpec(name)));
    expect([63 in parent.fields, child.fields[63]]).toEqual([false, N3]);
  });

  it('builds a whole spec when the file extends nothing', () => {
    const spec = load({ name: 'tiny', mti: { encoding: 'ascii' }, bitmap: { encoding: 'hex' }, fields: { 3: { ...N3, length: 6 } } });
    const codec = new Codec(spec);
    expect(codec.pack(new IsoMessage('0800').set(3, '990000')).toString('latin1')).toBe('08002000000000000000990000');
  });

  it('passes on SPEC_NOT_FOUND when the file extends an unknown built-in', () => {
    expectSpecError(() => load({ extends: 'iso87nope' }), 'SPEC_NOT_FOUND', 'spec iso87nope: no built-in spec of that name (built in: iso87ascii, iso87binary, iso87pos, iso93ascii)');
  });

  it.each<[string, unknown, string]>([
    ['the file is a list', [], 'link.json: a spec file holds one JSON object'],
    ['the file is null', null, 'link.json: a spec file holds one JSON object'],
    ['a top-level key is unknown', { extends: 'iso87ascii', feilds: {} }, 'link.json: unknown key "feilds" (allowed: name, description, extends, version, mti, bitmap, header, fields)'],
    ['extends is not a name', { extends: 5 }, 'link.json: "extends" must name a spec'],
    ['nothing is extended and mti is missing', { bitmap: { encoding: 'hex' } }, 'link.json: a spec that extends nothing needs "mti" and "bitmap"'],
    ['fields is a list', { extends: 'iso87ascii', fields: [] }, 'link.json: "fields" must be an object keyed by field number'],
    ['a field key is not a number', { extends: 'iso87ascii', fields: { pan: null } }, 'link.json: field "pan": keys are field numbers'],
    ['a field override is a number', { extends: 'iso87ascii', fields: { 3: 5 } }, 'link.json: field 3: definition must be an object or null'],
    ['the class is unknown', { extends: 'iso87ascii', fields: { 3: { class: 'q' } } }, 'link.json field 3: class must be one of n, a, an, ans, ns, b, z, x+n'],
    ['the length is 0', { extends: 'iso87ascii', fields: { 3: { length: 0 } } }, 'link.json field 3: length must be a whole number of at least 1'],
    ['the length is fractional', { extends: 'iso87ascii', fields: { 3: { length: 2.5 } } }, 'link.json field 3: length must be a whole number of at least 1'],
    ['the name is empty', { extends: 'iso87ascii', fields: { 3: { name: '' } } }, 'link.json field 3: name must be a non-empty string'],
    ['the prefix is too small for the length', { extends: 'iso87ascii', fields: { 2: { prefix: 'ascii.L' } } }, 'link.json field 2: length 19 does not fit prefix ascii.L (max 9)'],
    ['a binary prefix is too small', { extends: 'iso87binary', fields: { 46: { prefix: 'binary.LL' } } }, 'link.json field 46: length 999 does not fit prefix binary.LL (max 255)'],
    ['the prefix is not a known form', { extends: 'iso87ascii', fields: { 2: { prefix: 'ascii.LLLLL' } } }, 'link.json field 2: prefix must be fixed or ENC.WIDTH with ENC ascii|bcd|binary|ebcdic and WIDTH L|LL|LLL|LLLL'],
    ['the data encoding is unknown', { extends: 'iso87ascii', fields: { 3: { data: 'utf8' } } }, 'link.json field 3: data must be one of ascii, bcd, binary, hex, ebcdic'],
    ['an ans field is given bcd data', { extends: 'iso87ascii', fields: { 41: { data: 'bcd' } } }, 'link.json field 41: data bcd is only for classes n, z and x+n'],
    ['an n field is given hex data', { extends: 'iso87ascii', fields: { 3: { data: 'hex' } } }, 'link.json field 3: data hex is only for class b'],
    ['a b field is given ascii data', { extends: 'iso87ascii', fields: { 52: { data: 'ascii' } } }, 'link.json field 52: class b takes data binary or hex'],
    ['tlv is set on an ans field', { extends: 'iso87ascii', fields: { 55: { tlv: true } } }, 'link.json field 55: tlv requires class b'],
    ['tlv is not a boolean', { extends: 'iso87pos', fields: { 55: { tlv: 'yes' } } }, 'link.json field 55: tlv must be true or false'],
    ['padNibble is set on ASCII data', { extends: 'iso87ascii', fields: { 2: { padNibble: 'F' } } }, 'link.json field 2: pad and padNibble apply only to bcd data'],
    ['padNibble is E', { extends: 'iso87binary', fields: { 2: { padNibble: 'E' } } }, "link.json field 2: padNibble must be '0' or 'F'"],
    ['pad is centre', { extends: 'iso87binary', fields: { 2: { pad: 'centre' } } }, 'link.json field 2: pad must be left or right'],
    ['a bcd wire count has pad 0', { extends: 'iso87binary', fields: { 2: { lengthCounts: 'wire' } } }, "link.json field 2: a bcd length counting wire bytes needs padNibble 'F' so that an odd digit count can be told apart"],
    ['a fixed field counts wire units', { extends: 'iso87ascii', fields: { 52: { lengthCounts: 'wire' } } }, 'link.json field 52: lengthCounts applies only to variable fields'],
    ['lengthCounts is unknown', { extends: 'iso87ascii', fields: { 2: { lengthCounts: 'digits' } } }, 'link.json field 2: lengthCounts must be value or wire'],
    ['signs are set on an n field', { extends: 'iso87ascii', fields: { 4: { signs: 'CD' } } }, 'link.json field 4: signs applies only to class x+n'],
    ['signs hold +', { extends: 'iso87ascii', fields: { 28: { signs: '+-' } } }, 'link.json field 28: signs must be made of C, D and 0'],
    ['sensitive is unknown', { extends: 'iso87ascii', fields: { 2: { sensitive: 'hide' } } }, 'link.json field 2: sensitive must be one of mask, redact, never'],
    ['a new field lacks a class', { extends: 'iso87ascii', fields: { 129: { name: 'x', length: 3, prefix: 'fixed', data: 'ascii' } } }, 'link.json field 129: class must be one of n, a, an, ans, ns, b, z, x+n'],
  ])('throws SPEC_INVALID naming the problem when %s', (_what, json, message) => {
    expectSpecError(() => load(json), 'SPEC_INVALID', message);
  });

  // A misspelt key would otherwise be dropped without a word and the link would run on the default
  // (here: pad 0 where the link pads F). The top level already rejects unknown keys; fields must too.
  it('throws SPEC_INVALID naming the field and the key when a field override has an unknown key', () => {
    const err = thrown(() => load({ extends: 'iso87binary', fields: { 35: { padnibble: 'F' } } })) as SpecError;
    expect(err).toBeInstanceOf(SpecError);
    expect(err.code).toBe('SPEC_INVALID');
    expect(err.message).toMatch(/^link\.json.* field 35: .*padnibble/);
  });

  it.each<[string, unknown, string]>([
    ['field 0 is defined', { name: 'bad', extends: 'iso87ascii', fields: { 0: N3 } }, 'field 0: field numbers run from 2 to 128'],
    ['field 1 is defined', { name: 'bad', extends: 'iso87ascii', fields: { 1: N3 } }, 'field 1: field numbers run from 2 to 128'],
    ['field 200 is defined', { name: 'bad', extends: 'iso87ascii', fields: { 200: N3 } }, 'field 200: field numbers run from 2 to 128'],
    ['field 130 is defined without a tertiary bitmap', { name: 'bad', extends: 'iso87ascii', fields: { 130: N3 } }, 'field 130: field numbers run from 2 to 128'],
    ['field 193 is defined with a tertiary bitmap', { name: 'bad', extends: 'iso93ascii', bitmap: { encoding: 'hex', tertiary: true }, fields: { 65: null, 193: N3 } }, 'field 193: field numbers run from 2 to 192'],
    ['field 65 stays defined with a tertiary bitmap', { name: 'bad', extends: 'iso93ascii', bitmap: { encoding: 'hex', tertiary: true } }, 'field 65: carries the tertiary bitmap and cannot be defined'],
    ['the MTI encoding is unknown', { name: 'bad', extends: 'iso87ascii', mti: { encoding: 'utf8' } }, 'mti.encoding must be ascii, bcd or ebcdic'],
    ['the bitmap encoding is unknown', { name: 'bad', extends: 'iso87ascii', bitmap: { encoding: 'base64' } }, 'bitmap.encoding must be binary or hex'],
    ['the header is unknown', { name: 'bad', extends: 'iso87ascii', header: 'nac' }, 'header must be tpdu or none'],
    ['the version is 2003', { name: 'bad', extends: 'iso93ascii', version: 2003 }, 'version must be one of 1987, 1993'],
  ])('throws SPEC_INVALID naming the spec when %s', (_what, json, detail) => {
    expectSpecError(() => load(json), 'SPEC_INVALID', `link.json: spec bad: ${detail}`);
  });
});

describe('builtinSpec', () => {
  it('issue #13: marks iso93ascii as ISO 8583:1993 and the others as 1987, and a spec file inherits or sets the version', () => {
    expect(builtinSpecNames().map((name) => specVersion(builtinSpec(name)))).toEqual([1987, 1987, 1987, 1993]);
    expect(specVersion(load({ name: 'acq93', extends: 'iso93ascii' }))).toBe(1993);
    expect(specVersion(load({ name: 'acq', extends: 'iso87ascii', version: 1993 }))).toBe(1993);
  });

  it('lists the four built-ins when asked for their names', () => {
    expect(builtinSpecNames()).toEqual(['iso87ascii', 'iso87binary', 'iso87pos', 'iso93ascii']);
  });

  it.each(['iso87ascii', 'iso87binary', 'iso87pos', 'iso93ascii'])('returns a spec that compiles when asked for %s', (name) => {
    expect(new Codec(builtinSpec(name)).name).toBe(name);
  });

  it.each(['nope', '', 'ISO87ASCII', 'toString', '__proto__'])('throws SPEC_NOT_FOUND listing the built-ins when asked for %j', (name) => {
    expectSpecError(() => builtinSpec(name), 'SPEC_NOT_FOUND', `spec ${name}: no built-in spec of that name (built in: iso87ascii, iso87binary, iso87pos, iso93ascii)`);
  });

  // BUILTIN_SPECS says "Frozen: callers extend them through a spec file, never in place", but only
  // the registry object is frozen: a caller can still change a built-in's fields for every link.
  it('keeps every built-in frozen down to its field definitions when handed out', () => {
    const frozen = builtinSpecNames().map((name) => {
      const spec = builtinSpec(name);
      return [name, Object.isFrozen(spec), Object.isFrozen(spec.fields), Object.isFrozen(spec.fields[3]), Object.isFrozen(spec.mti)];
    });
    expect(frozen).toEqual(builtinSpecNames().map((name) => [name, true, true, true, true]));
  });
});
