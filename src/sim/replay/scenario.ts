// Replay scenarios: the JSON shape of docs/replay.md, checked eagerly into a typed Scenario.
// No I/O: the CLI reads the files and passes parsed JSON. Throws only ConfigError naming the path.

import { ConfigError, checkInteger, checkOneOf } from '../../common/index.js';
import { FRAMINGS, FRAME_HEADERS, type FrameHeader, type Framing } from '../../transport/index.js';
import { GENERATOR_RE, placeholders } from './template.js';

/** What one step sends: fields (values may hold ${...} placeholders) or raw message hex. */
export type StepSend = { mti: string; fields: Record<string, string> } | { hex: string };

export interface StepExpect {
  /** Expected MTI of the answer (same kinds as field values). */
  mti?: string;
  /** DE number -> exact value, *M, *A, *E or /regex/. */
  fields: Record<string, string>;
  /** True: no answer may arrive within the step's timeout. */
  noAnswer: boolean;
}

export interface ScenarioStep {
  name: string;
  send: StepSend;
  expect: StepExpect;
  /** Capture name -> DE number (or "mti") read from the answer. */
  capture: Record<string, string>;
  timeoutMs: number;
}

export interface Scenario {
  name: string;
  /** Where the scenario came from (a file path), for reports and errors. */
  source: string;
  spec: string | null;
  framing: Framing | null;
  header: FrameHeader | null;
  steps: ScenarioStep[];
}

/** Default time a step waits for its answer, in ms. */
export const DEFAULT_STEP_TIMEOUT_MS = 5000;
/** The longest wait for one answer a scenario (or replay --timeout) may ask for. */
export const MAX_STEP_TIMEOUT_MS = 600_000;

const FIELD_KEY_RE = /^(?:[2-9]|[1-9]\d|1[0-8]\d|19[0-2])$/;
const HEX_RE = /^(?:[0-9A-Fa-f]{2})+$/;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function object(path: string, v: unknown): Json {
  if (!isObject(v)) throw new ConfigError(path, 'expected an object');
  return v;
}

function text(path: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new ConfigError(path, 'expected a non-empty string');
  return v;
}

/** Rejects keys outside `keys`; `sep` joins the path and the key ('.' inside, ': ' after a file name). */
function known(path: string, o: Json, keys: readonly string[], sep = '.'): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new ConfigError(`${path}${sep}${k}`, `unknown key; known keys: ${keys.join(', ')}`);
}

function stringMap(path: string, v: unknown, keyOk: (k: string) => boolean, keyKind: string): Record<string, string> {
  const o = object(path, v);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    if (!keyOk(k)) throw new ConfigError(`${path}.${k}`, `expected ${keyKind}`);
    if (typeof val !== 'string') throw new ConfigError(`${path}.${k}`, 'values are strings');
    out[k] = val;
  }
  return out;
}

const isFieldKey = (k: string): boolean => FIELD_KEY_RE.test(k);

/** Checks an expected value's kind: a /regex/ must compile. */
function checkExpected(path: string, value: string): void {
  if (value.length >= 2 && value.startsWith('/') && value.endsWith('/')) {
    try {
      new RegExp(value.slice(1, -1));
    } catch {
      throw new ConfigError(path, 'not a valid regular expression');
    }
  }
}

/** Every ${name} in `value` must be a generator or a capture of an earlier step. */
function checkPlaceholders(path: string, value: string, captured: ReadonlySet<string>): void {
  for (const name of placeholders(value)) {
    if (!GENERATOR_RE.test(name) && !captured.has(name)) throw new ConfigError(path, `\${${name}} is neither a generator nor captured by an earlier step`);
  }
}

function parseSend(path: string, v: unknown, captured: ReadonlySet<string>): StepSend {
  const o = object(path, v);
  if ('hex' in o) {
    known(path, o, ['hex']);
    const hex = text(`${path}.hex`, o.hex).replace(/\s+/g, '');
    if (!HEX_RE.test(hex)) throw new ConfigError(`${path}.hex`, 'expected hex digits, whole bytes');
    return { hex };
  }
  known(path, o, ['mti', 'fields']);
  const mti = text(`${path}.mti`, o.mti);
  if (!/^\d{4}$/.test(mti)) throw new ConfigError(`${path}.mti`, 'expected 4 digits');
  const fields = stringMap(`${path}.fields`, o.fields ?? {}, isFieldKey, 'a field number from 2 to 192');
  for (const [de, val] of Object.entries(fields)) checkPlaceholders(`${path}.fields.${de}`, val, captured);
  return { mti, fields };
}

function parseExpect(path: string, v: unknown, captured: ReadonlySet<string>): StepExpect {
  const o = object(path, v ?? {});
  known(path, o, ['mti', 'fields', 'noAnswer']);
  const fields = stringMap(`${path}.fields`, o.fields ?? {}, isFieldKey, 'a field number from 2 to 192');
  for (const [de, val] of Object.entries(fields)) {
    checkExpected(`${path}.fields.${de}`, val);
    checkPlaceholders(`${path}.fields.${de}`, val, captured);
  }
  const mti = o.mti === undefined ? undefined : text(`${path}.mti`, o.mti);
  if (mti !== undefined) checkExpected(`${path}.mti`, mti);
  if (o.noAnswer !== undefined && typeof o.noAnswer !== 'boolean') throw new ConfigError(`${path}.noAnswer`, 'expected true or false');
  const noAnswer = o.noAnswer === true;
  if (noAnswer && (mti !== undefined || Object.keys(fields).length > 0)) throw new ConfigError(path, 'noAnswer cannot be combined with mti or fields');
  return mti === undefined ? { fields, noAnswer } : { mti, fields, noAnswer };
}

function parseStep(path: string, v: unknown, scenarioTimeoutMs: number, captured: Set<string>): ScenarioStep {
  const o = object(path, v);
  known(path, o, ['name', 'send', 'expect', 'capture', 'timeoutMs']);
  const name = text(`${path}.name`, o.name);
  const send = parseSend(`${path}.send`, o.send, captured);
  const expect = parseExpect(`${path}.expect`, o.expect, captured);
  const capture = stringMap(`${path}.capture`, o.capture ?? {}, (k) => /^[A-Za-z_]\w*$/.test(k) && !GENERATOR_RE.test(k), 'a capture name (letters, digits, _; not a generator name)');
  for (const [k, de] of Object.entries(capture)) {
    if (de !== 'mti' && !isFieldKey(de)) throw new ConfigError(`${path}.capture.${k}`, 'expected a field number or "mti"');
    if (expect.noAnswer) throw new ConfigError(`${path}.capture`, 'a noAnswer step has nothing to capture');
  }
  const timeoutMs = o.timeoutMs === undefined ? scenarioTimeoutMs : checkInteger(`${path}.timeoutMs`, o.timeoutMs, 1, MAX_STEP_TIMEOUT_MS);
  for (const k of Object.keys(capture)) captured.add(k);
  return { name, send, expect, capture, timeoutMs };
}

/**
 * The scenario in `json` (parsed JSON from `source`); steps without a timeout of their own or of
 * the scenario wait `defaultTimeoutMs`.
 * @throws ConfigError naming `source` and the JSON path of the first problem.
 */
export function parseScenario(json: unknown, source: string, defaultTimeoutMs = DEFAULT_STEP_TIMEOUT_MS): Scenario {
  const o = object(source, json);
  known(source, o, ['name', 'spec', 'framing', 'header', 'timeoutMs', 'steps'], ': ');
  const name = text(`${source}: name`, o.name);
  const spec = o.spec === undefined ? null : text(`${source}: spec`, o.spec);
  const framing = o.framing === undefined ? null : checkOneOf(`${source}: framing`, o.framing, FRAMINGS);
  const header = o.header === undefined ? null : checkOneOf(`${source}: header`, o.header, FRAME_HEADERS);
  const timeoutMs = o.timeoutMs === undefined ? defaultTimeoutMs : checkInteger(`${source}: timeoutMs`, o.timeoutMs, 1, MAX_STEP_TIMEOUT_MS);
  if (!Array.isArray(o.steps) || o.steps.length === 0) throw new ConfigError(`${source}: steps`, 'expected a non-empty list of steps');
  const captured = new Set<string>();
  const steps = o.steps.map((s: unknown, i: number) => parseStep(`${source}: steps[${i}]`, s, timeoutMs, captured));
  return { name, source, spec, framing, header, steps };
}

/** A scenario replaying raw captures: one step per message hex, passing when any answer arrives. */
export function captureScenario(lines: readonly string[], source: string, timeoutMs = DEFAULT_STEP_TIMEOUT_MS): Scenario {
  const steps: ScenarioStep[] = [];
  lines.forEach((line, i) => {
    const hex = line.replace(/\s+/g, '');
    if (hex === '' || hex.startsWith('#')) return;
    if (!HEX_RE.test(hex)) throw new ConfigError(`${source}: line ${i + 1}`, 'expected hex digits, whole bytes');
    steps.push({ name: `line ${i + 1}`, send: { hex }, expect: { fields: {}, noAnswer: false }, capture: {}, timeoutMs });
  });
  if (steps.length === 0) throw new ConfigError(source, 'no messages (one hex message per line)');
  return { name: source, source, spec: null, framing: null, header: null, steps };
}
