// Runs a scenario over one connection: steps one at a time, so the next frame is the step's
// answer; fills placeholders, checks expectations, keeps captures. Reports never hold clear PANs.

import { ConfigError, SwitchError } from '../../common/index.js';
import { fromJson, safeFieldMap, type Codec, type IsoMessage } from '../../codec/index.js';
import { StanCounter } from '../../link/index.js';
import { NO_TPDU, TPDU_BYTES, tpduNumber, type FrameHeader } from '../../transport/index.js';
import { DEFAULT_TPDU } from '../default-tpdu.js';
import { captureValues, checkAnswer, type FieldDiff } from './expect.js';
import { ReplayLink, type ReplayTarget } from './link.js';
import type { Scenario, ScenarioStep } from './scenario.js';
import { fillFields, type TemplateContext } from './template.js';

/** A message as a report may show it: MTI and masked fields. */
export interface ShownMessage {
  mti: string;
  fields: Record<string, string>;
}

export interface StepResult {
  name: string;
  isPassed: boolean;
  durationMs: number;
  diffs: FieldDiff[];
  /** The answer, masked; null when none arrived. */
  answer: ShownMessage | null;
  /** False for a step that expects nothing in particular (a capture line): its answer is shown whole. */
  isChecked: boolean;
}

export interface ScenarioResult {
  name: string;
  source: string;
  isPassed: boolean;
  durationMs: number;
  steps: StepResult[];
}

export interface RunOptions {
  /** STANs for ${stan}; share one across scenarios run against the same switch. */
  stans: StanCounter;
  /** The clock for ${now:...}. Default: the system clock. */
  now?: () => Date;
}

/** A STAN counter starting at a random point, so that separate runs do not repeat each other. */
export function randomStans(): StanCounter {
  return new StanCounter(1 + Math.floor(Math.random() * 900_000));
}

/** The request of `step`: packed bytes, decoded form (for *E) and TPDU. Throws codec errors. */
function buildRequest(codec: Codec, step: ScenarioStep, ctx: TemplateContext, header: FrameHeader): { bytes: Buffer; request: IsoMessage | null; tpdu: number } {
  const hasTpdu = header === 'tpdu';
  if ('hex' in step.send) {
    const raw = Buffer.from(step.send.hex, 'hex');
    const at = hasTpdu ? TPDU_BYTES : 0;
    if (raw.length < at) throw new ConfigError('send.hex', `shorter than the ${TPDU_BYTES}-byte TPDU`);
    const bytes = raw.subarray(at);
    const { message } = codec.unpackPartial(bytes);
    return { bytes, request: message.mti === '' ? null : message, tpdu: hasTpdu ? tpduNumber(raw, 0) : NO_TPDU };
  }
  const request = fromJson(codec, { mti: step.send.mti, fields: fillFields(step.send.fields, ctx) });
  return { bytes: codec.pack(request), request, tpdu: hasTpdu ? DEFAULT_TPDU : NO_TPDU };
}

function isChecked(step: ScenarioStep): boolean {
  return step.expect.noAnswer || step.expect.mti !== undefined || Object.keys(step.expect.fields).length > 0;
}

function failed(step: ScenarioStep, startedMs: number, diff: FieldDiff): StepResult {
  return { name: step.name, isPassed: false, durationMs: Date.now() - startedMs, diffs: [diff], answer: null, isChecked: isChecked(step) };
}

async function runStep(link: ReplayLink, codec: Codec, step: ScenarioStep, ctx: TemplateContext, header: FrameHeader, captures: Map<string, string>): Promise<StepResult> {
  const startedMs = Date.now();
  let built;
  try {
    built = buildRequest(codec, step, ctx, header);
  } catch (err) {
    const what = err instanceof SwitchError ? `${err.code} ${err.message}` : String(err);
    return failed(step, startedMs, { field: 'request', expected: 'a message that can be sent', actual: what });
  }
  link.discardPending();
  link.send(built.bytes, built.tpdu);
  const frame = await link.next(step.timeoutMs);
  let answer: IsoMessage | null = null;
  if (frame !== null) {
    const { message, error } = codec.unpackPartial(frame);
    if (error !== null) return failed(step, startedMs, { field: 'answer', expected: 'a decodable answer', actual: `${error.code} ${error.message}` });
    answer = message;
  }
  const diffs = checkAnswer(codec, step.expect, built.request, answer, ctx);
  if (answer !== null) captureValues(step.capture, answer, captures);
  const shown = answer === null ? null : { mti: answer.mti, fields: safeFieldMap(codec, answer) };
  return { name: step.name, isPassed: diffs.length === 0, durationMs: Date.now() - startedMs, diffs, answer: shown, isChecked: isChecked(step) };
}

/**
 * Runs every step of `scenario` against `target` on one new connection. Never rejects: a failed
 * connection fails every step.
 */
export async function runScenario(scenario: Scenario, codec: Codec, target: ReplayTarget, options: RunOptions): Promise<ScenarioResult> {
  const startedMs = Date.now();
  const now = options.now ?? (() => new Date());
  const steps: StepResult[] = [];
  let link: ReplayLink | null = null;
  let linkError = '';
  try {
    link = await ReplayLink.connect(target);
  } catch (err) {
    linkError = err instanceof SwitchError ? `${err.code} ${err.message}` : String(err);
  }
  const captures = new Map<string, string>();
  for (const step of scenario.steps) {
    if (link === null || link.isClosed) {
      steps.push(failed(step, Date.now(), { field: 'connection', expected: 'open', actual: linkError || 'closed by the peer' }));
      continue;
    }
    const ctx: TemplateContext = { captures, stan: options.stans.next(), now: now() };
    steps.push(await runStep(link, codec, step, ctx, target.header, captures));
  }
  link?.close();
  return { name: scenario.name, source: scenario.source, isPassed: steps.every((s) => s.isPassed), durationMs: Date.now() - startedMs, steps };
}
