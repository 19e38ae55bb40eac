// Replay engine units: expectation kinds, ${...} templating, captures, scenario validation and
// the reports. The runner over a real switch is covered by spec/cli/replay.spec.ts.

import { describe, expect, it } from 'vitest';
import { IsoMessage, builtinCodec, maskPan } from '../../../src/codec/index.js';
import { ConfigError } from '../../../src/common/index.js';
import {
  captureScenario, captureValues, checkAnswer, fillTemplate, formatTime, junitReport, matchesValue, parseScenario, textReport,
  type ScenarioResult, type TemplateContext,
} from '../../../src/sim/index.js';
import { cardFor } from '../../helpers/test-cards.js';

const codec = builtinCodec('iso87ascii');
const NOW = new Date(Date.UTC(2026, 10, 23, 7, 8, 9));
const ctx = (captures: Record<string, string> = {}): TemplateContext => ({ captures: new Map(Object.entries(captures)), stan: '000042', now: NOW });

describe('matchesValue', () => {
  it.each([
    ['*M', '00', undefined, true],
    ['*M', undefined, undefined, false],
    ['*A', undefined, undefined, true],
    ['*A', '00', undefined, false],
    ['*E', '123456', '123456', true],
    ['*E', '123457', '123456', false],
    ['*E', undefined, undefined, true],
    ['/^\\d{12}$/', '612307000042', undefined, true],
    ['/^\\d{12}$/', 'ABC', undefined, false],
    ['/^\\d{12}$/', undefined, undefined, false],
    ['00', '00', undefined, true],
    ['00', '05', undefined, false],
    ['${code}', 'A1B2C3', undefined, true],
    ['${stan}', '000042', undefined, true],
  ])('expected %s matches actual %s (request %s): %s', (expected, actual, requested, result) => {
    expect(matchesValue(expected, actual, requested, ctx({ code: 'A1B2C3' }))).toBe(result);
  });
});

describe('checkAnswer', () => {
  const pan = cardFor('00').pan;
  const request = new IsoMessage('0100').set(2, pan).set(11, '000042');
  const answer = new IsoMessage('0110').set(2, pan).set(11, '000042').set(39, '51');

  it('returns no diff when every expectation holds', () => {
    const expect_ = { mti: '0110', fields: { 2: '*E', 11: '*E', 39: '/^5\\d$/', 38: '*A' }, noAnswer: false };
    expect(checkAnswer(codec, expect_, request, answer, ctx())).toEqual([]);
  });

  it('masks PANs on both sides of a diff when DE 2 differs', () => {
    const diffs = checkAnswer(codec, { fields: { 2: '*A', 39: '00' }, noAnswer: false }, request, answer, ctx());
    expect(diffs).toEqual([
      { field: '2', expected: 'absent', actual: maskPan(pan) },
      { field: '39', expected: '00', actual: '51' },
    ]);
    expect(JSON.stringify(checkAnswer(codec, { fields: { 2: `${pan.slice(0, -1)}0` }, noAnswer: false }, request, answer, ctx()))).not.toContain(pan.slice(6, 12));
  });

  it('hides a pattern for a sensitive field and shows *E with the masked request value', () => {
    const diffs = checkAnswer(codec, { fields: { 2: '/^9/', 4: '*E' }, noAnswer: false }, request.set(4, '000000000100'), answer, ctx());
    expect(diffs[0].expected).toBe('a match of a pattern (not shown: sensitive field)');
    expect(diffs[1]).toEqual({ field: '4', expected: "the request's value (000000000100)", actual: 'absent' });
  });

  it('reports the MTI and a missing answer', () => {
    expect(checkAnswer(codec, { mti: '0210', fields: {}, noAnswer: false }, request, answer, ctx())).toEqual([{ field: 'mti', expected: '0210', actual: '0110' }]);
    expect(checkAnswer(codec, { fields: {}, noAnswer: false }, request, null, ctx())).toEqual([{ field: 'answer', expected: 'an answer', actual: 'none in time' }]);
  });

  it('passes a noAnswer step only when nothing came', () => {
    expect(checkAnswer(codec, { fields: {}, noAnswer: true }, request, null, ctx())).toEqual([]);
    expect(checkAnswer(codec, { fields: {}, noAnswer: true }, request, answer, ctx())).toEqual([{ field: 'answer', expected: 'no answer', actual: 'an answer (MTI 0110)' }]);
  });
});

describe('templating and captures', () => {
  it('fills captures, the step STAN and the time when values hold placeholders', () => {
    expect(fillTemplate('0100${s}${now:MMDDhhmmss}', ctx({ s: '000007' }))).toBe('01000000071123070809');
    expect(fillTemplate('${stan}-${stan}', ctx())).toBe('000042-000042');
    expect(formatTime(NOW, 'YYYY YY MM DD hh mm ss')).toBe('2026 26 11 23 07 08 09');
  });

  it('captures named fields and the MTI, skipping absent fields', () => {
    const into = new Map<string, string>();
    captureValues({ code: '38', rc: '39', kind: 'mti', rrn: '37' }, new IsoMessage('0110').set(38, 'A1B2C3').set(39, '00'), into);
    expect(Object.fromEntries(into)).toEqual({ code: 'A1B2C3', rc: '00', kind: '0110' });
  });
});

const STEP = { name: 'echo', send: { mti: '0800', fields: { 11: '${stan}', 70: '301' } }, expect: { mti: '0810', fields: { 39: '00' } } };
const scenario = (over: Record<string, unknown> = {}, step: Record<string, unknown> = {}): unknown => ({ name: 's', steps: [{ ...STEP, ...step }], ...over });

describe('parseScenario', () => {
  it('gives steps the scenario timeout and defaults when valid', () => {
    const s = parseScenario(scenario({ timeoutMs: 700, framing: 'binary2' }), 'a.json');
    expect(s).toMatchObject({ name: 's', source: 'a.json', spec: null, framing: 'binary2', header: null });
    expect(s.steps[0]).toMatchObject({ name: 'echo', timeoutMs: 700, capture: {}, expect: { noAnswer: false } });
  });

  it.each([
    [[], 'a.json: expected an object'],
    [scenario({ steps: [] }), 'a.json: steps: expected a non-empty list of steps'],
    [scenario({ extra: 1 }), 'a.json: extra: unknown key; known keys: name, spec, framing, header, timeoutMs, steps'],
    [scenario({ framing: 'ascii5' }), 'a.json: framing: expected one of ascii4'],
    [scenario({}, { send: { mti: '01', fields: {} } }), 'a.json: steps[0].send.mti: expected 4 digits'],
    [scenario({}, { send: { mti: '0800', fields: { 1: 'x' } } }), 'a.json: steps[0].send.fields.1: expected a field number from 2 to 192'],
    [scenario({}, { send: { mti: '0800', fields: { 11: 7 } } }), 'a.json: steps[0].send.fields.11: values are strings'],
    [scenario({}, { send: { hex: '3G' } }), 'a.json: steps[0].send.hex: expected hex digits, whole bytes'],
    [scenario({}, { expect: { fields: { 39: '/(/' } } }), 'a.json: steps[0].expect.fields.39: not a valid regular expression'],
    [scenario({}, { expect: { noAnswer: true, mti: '0810' } }), 'a.json: steps[0].expect: noAnswer cannot be combined with mti or fields'],
    [scenario({}, { capture: { x: '1' } }), 'a.json: steps[0].capture.x: expected a field number or "mti"'],
    [scenario({}, { timeoutMs: 0 }), 'a.json: steps[0].timeoutMs: expected an integer in 1..600000, got 0'],
    [scenario({}, { send: { mti: '0800', fields: { 11: '${later}' } }, capture: { later: '11' } }), 'a.json: steps[0].send.fields.11: ${later} is neither a generator nor captured by an earlier step'],
  ])('throws ConfigError naming the path when the scenario is %j', (json, message) => {
    let caught: unknown;
    try {
      parseScenario(json, 'a.json');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe('CONFIG_INVALID');
    expect((caught as ConfigError).message.startsWith(message)).toBe(true);
  });

  it('accepts a capture used by a later step', () => {
    const steps = [{ ...STEP, capture: { first: '11' } }, { ...STEP, expect: { fields: { 11: '${first}' } } }];
    expect(parseScenario({ name: 's', steps }, 'a.json').steps[1].expect.fields).toEqual({ 11: '${first}' });
  });
});

describe('captureScenario', () => {
  it('makes one step per hex line, skipping blanks and # comments', () => {
    const s = captureScenario(['# echo', '3038 3030', '', '30383130'], 'c.hex', 900);
    expect(s.steps.map((st) => [st.name, st.send, st.timeoutMs])).toEqual([['line 2', { hex: '30383030' }, 900], ['line 4', { hex: '30383130' }, 900]]);
  });

  it.each([[['30 3'], 'c.hex: line 1: expected hex digits, whole bytes'], [['', '# none'], 'c.hex: no messages (one hex message per line)']])(
    'throws ConfigError when the lines are %j', (lines, message) => {
      expect(() => captureScenario(lines, 'c.hex')).toThrow(message);
    });
});

describe('reports', () => {
  const failed: ScenarioResult = {
    name: 'a & b', source: 'a.json', isPassed: false, durationMs: 12, steps: [
      { name: 'ok', isPassed: true, durationMs: 5, diffs: [], answer: { mti: '0810', fields: { 39: '00' } }, isChecked: true },
      { name: '<bad>', isPassed: false, durationMs: 7, diffs: [{ field: '39', expected: '00', actual: '05' }], answer: { mti: '0110', fields: { 39: '05' } }, isChecked: true },
    ],
  };

  it('prints ✓/✗ per step, the diff and the summary line', () => {
    expect(textReport([failed])).toBe('✗ a & b (a.json)\n  ✓ ok  (0810 RC 00)\n  ✗ <bad>  (0110 RC 05)\n      DE 39: expected 00, got 05\n1 passed, 1 failed');
  });

  it('prints the whole masked answer of a step that checks nothing (a capture line)', () => {
    const line: ScenarioResult = { name: 'c.hex', source: 'c.hex', isPassed: true, durationMs: 1, steps: [
      { name: 'line 1', isPassed: true, durationMs: 1, diffs: [], answer: { mti: '0810', fields: { 11: '000001', 39: '00' } }, isChecked: false },
    ] };
    expect(textReport([line])).toBe('✓ c.hex\n  ✓ line 1  (0810 RC 00)\n      0810 11=000001 39=00\n1 passed, 0 failed');
  });

  it('escapes names and counts failures in JUnit XML', () => {
    const xml = junitReport([failed]);
    expect(xml).toContain('<testsuites name="isotrace replay" tests="2" failures="1" time="0.012">');
    expect(xml).toContain('<testsuite name="a &#38; b" tests="2" failures="1" errors="0" time="0.012">');
    expect(xml).toContain('<testcase classname="a &#38; b" name="&#60;bad&#62;" time="0.007">');
    expect(xml).toContain('<failure message="DE 39: expected 00, got 05" type="mismatch">DE 39: expected 00, got 05</failure>');
  });
});
