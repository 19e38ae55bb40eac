// Replay reports from results: text for people, one JSON object, JUnit XML for CI. Pure: the
// results hold masked values only, so nothing here can print clear card data.

import type { FieldDiff } from './expect.js';
import type { ScenarioResult, ShownMessage, StepResult } from './runner.js';

export interface ReplayTotals {
  passed: number;
  failed: number;
}

/** Steps passed and failed over all scenarios. */
export function totals(results: readonly ScenarioResult[]): ReplayTotals {
  let passed = 0;
  let failed = 0;
  for (const r of results) for (const s of r.steps) s.isPassed ? passed++ : failed++;
  return { passed, failed };
}

/** One line per mismatch: `DE 39: expected 00, got 51`. */
export function diffLines(diffs: readonly FieldDiff[]): string[] {
  return diffs.map((d) => `${/^\d+$/.test(d.field) ? `DE ${d.field}` : d.field}: expected ${d.expected}, got ${d.actual}`);
}

function answerLine(answer: ShownMessage): string {
  const rc = answer.fields['39'];
  return rc === undefined ? answer.mti : `${answer.mti} RC ${rc}`;
}

/** A whole answer on one line: `0810 7=0101000000 11=900101 39=00 70=301` (values masked already). */
function wholeAnswer(answer: ShownMessage): string {
  return [answer.mti, ...Object.entries(answer.fields).map(([de, v]) => `${de}=${v}`)].join(' ');
}

function stepLines(step: StepResult): string[] {
  const answer = step.answer === null ? '' : `  (${answerLine(step.answer)})`;
  const lines = [`  ${step.isPassed ? '✓' : '✗'} ${step.name}${answer}`, ...diffLines(step.diffs).map((l) => `      ${l}`)];
  if (!step.isChecked && step.answer !== null) lines.push(`      ${wholeAnswer(step.answer)}`);
  return lines;
}

/** The text report: each scenario, its steps with ✓/✗ and masked diffs, then `N passed, M failed`. */
export function textReport(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.isPassed ? '✓' : '✗'} ${r.name}${r.source === r.name ? '' : ` (${r.source})`}`);
    for (const s of r.steps) lines.push(...stepLines(s));
  }
  const t = totals(results);
  lines.push(`${t.passed} passed, ${t.failed} failed`);
  return lines.join('\n');
}

/** The JSON report: totals and every scenario with its steps (masked answers and diffs). */
export function jsonReport(results: readonly ScenarioResult[]): Record<string, unknown> {
  return { ...totals(results), scenarios: results };
}

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function testcase(r: ScenarioResult, s: StepResult): string {
  const open = `    <testcase classname="${xml(r.name)}" name="${xml(s.name)}" time="${seconds(s.durationMs)}"`;
  if (s.isPassed) return `${open}/>`;
  const diff = diffLines(s.diffs).join('\n');
  return `${open}>\n      <failure message="${xml(diff.split('\n')[0] ?? 'failed')}" type="mismatch">${xml(diff)}</failure>\n    </testcase>`;
}

/** JUnit XML: a testsuite per scenario, a testcase per step, the diff as the failure text. */
export function junitReport(results: readonly ScenarioResult[]): string {
  const t = totals(results);
  const ms = results.reduce((sum, r) => sum + r.durationMs, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="isotrace replay" tests="${t.passed + t.failed}" failures="${t.failed}" time="${seconds(ms)}">`];
  for (const r of results) {
    const failures = r.steps.filter((s) => !s.isPassed).length;
    out.push(`  <testsuite name="${xml(r.name)}" tests="${r.steps.length}" failures="${failures}" errors="0" time="${seconds(r.durationMs)}">`);
    for (const s of r.steps) out.push(testcase(r, s));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
