// Checks an answer against a step's expectations and describes each mismatch with masked text
// (PANs via the codec's mask, sensitive values redacted). Pure, no I/O.

import { safeText, valueText, type Codec, type IsoMessage } from '../../codec/index.js';
import type { StepExpect } from './scenario.js';
import { fillTemplate, type TemplateContext } from './template.js';

/** One mismatch: what was expected and what came, both safe to print. */
export interface FieldDiff {
  /** 'mti', a DE number, or 'answer' for the answer as a whole. */
  field: string;
  expected: string;
  actual: string;
}

export const PRESENT = '*M';
export const ABSENT = '*A';
export const ECHOED = '*E';

function isRegex(expected: string): boolean {
  return expected.length >= 2 && expected.startsWith('/') && expected.endsWith('/');
}

/**
 * True when `actual` satisfies `expected`: *M present, *A absent, *E equal to `requested` (absent
 * when the request lacked it), /re/ a match, anything else equality after ${...} filling.
 */
export function matchesValue(expected: string, actual: string | undefined, requested: string | undefined, ctx: TemplateContext): boolean {
  if (expected === PRESENT) return actual !== undefined;
  if (expected === ABSENT) return actual === undefined;
  if (expected === ECHOED) return actual === requested;
  if (isRegex(expected)) return actual !== undefined && new RegExp(expected.slice(1, -1)).test(actual);
  return actual === fillTemplate(expected, ctx);
}

type Shown = (text: string | undefined) => string;

function expectedText(expected: string, requested: string | undefined, show: Shown, ctx: TemplateContext, isSensitive: boolean): string {
  if (expected === PRESENT) return 'present';
  if (expected === ABSENT) return 'absent';
  if (expected === ECHOED) return `the request's value (${show(requested)})`;
  if (isRegex(expected)) return isSensitive ? 'a match of a pattern (not shown: sensitive field)' : `a match of ${expected}`;
  return show(fillTemplate(expected, ctx));
}

function fieldText(msg: IsoMessage | null, de: number): string | undefined {
  const v = msg?.get(de);
  return v === undefined ? undefined : valueText(v);
}

/**
 * The mismatches between `answer` (null: none arrived in time) and `expect`. `request` is what
 * was sent (null when it could not be decoded), for *E.
 */
export function checkAnswer(codec: Codec, expect: StepExpect, request: IsoMessage | null, answer: IsoMessage | null, ctx: TemplateContext): FieldDiff[] {
  if (expect.noAnswer) return answer === null ? [] : [{ field: 'answer', expected: 'no answer', actual: `an answer (MTI ${answer.mti})` }];
  if (answer === null) return [{ field: 'answer', expected: 'an answer', actual: 'none in time' }];
  const diffs: FieldDiff[] = [];
  if (expect.mti !== undefined && !matchesValue(expect.mti, answer.mti, request?.mti, ctx)) {
    diffs.push({ field: 'mti', expected: expectedText(expect.mti, request?.mti, (t) => t ?? 'absent', ctx, false), actual: answer.mti });
  }
  for (const [key, expected] of Object.entries(expect.fields)) {
    const de = Number(key);
    const actual = fieldText(answer, de);
    const requested = fieldText(request, de);
    if (matchesValue(expected, actual, requested, ctx)) continue;
    const show: Shown = (t) => (t === undefined ? 'absent' : safeText(codec, de, t));
    const isSensitive = codec.fields[de]?.spec.sensitive !== undefined;
    diffs.push({ field: key, expected: expectedText(expected, requested, show, ctx, isSensitive), actual: show(actual) });
  }
  return diffs;
}

/** The values named by `capture` (name -> DE or "mti") in `answer`; absent fields are skipped. */
export function captureValues(capture: Readonly<Record<string, string>>, answer: IsoMessage, into: Map<string, string>): void {
  for (const [name, ref] of Object.entries(capture)) {
    const value = ref === 'mti' ? answer.mti : fieldText(answer, Number(ref));
    if (value !== undefined) into.set(name, value);
  }
}
