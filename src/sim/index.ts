// Public surface of src/sim, the layer's one entry: terminal simulation (terminal/), the load
// generator (load/) and fixture replay (replay/). Imports shared/, codec/ and transport/ only;
// reads no files (the CLI passes parsed input in).

export { DEFAULT_TPDU } from './default-tpdu.js';

export { LoadRun, runLoad, DEFAULT_LOAD_OPTIONS, MAX_LOAD_CONNECTIONS } from './load/run.js';
export type { LoadOptions } from './load/run.js';
export { LOAD_KINDS, KIND_MTI, parseMix, mixSchedule } from './load/mix.js';
export type { LoadKind } from './load/mix.js';
export { LoadStats } from './load/stats.js';
export type { LoadSnapshot, LoadSummary } from './load/stats.js';
export { TokenBucket } from './load/bucket.js';

export { parseScenario, captureScenario, DEFAULT_STEP_TIMEOUT_MS, MAX_STEP_TIMEOUT_MS } from './replay/scenario.js';
export type { Scenario, ScenarioStep, StepExpect, StepSend } from './replay/scenario.js';
export { fillTemplate, fillFields, formatTime, placeholders } from './replay/template.js';
export type { TemplateContext } from './replay/template.js';
export { checkAnswer, captureValues, matchesValue } from './replay/expect.js';
export type { FieldDiff } from './replay/expect.js';
export { ReplayLink } from './replay/link.js';
export type { ReplayTarget } from './replay/link.js';
export { runScenario, randomStans } from './replay/runner.js';
export type { RunOptions, ScenarioResult, ShownMessage, StepResult } from './replay/runner.js';
export { textReport, jsonReport, junitReport, totals, diffLines } from './replay/report.js';
export type { ReplayTotals } from './replay/report.js';

export { ACTION_MTI_93, FUNCTION_CODES_93, originalDataElements93 } from './terminal/message-93.js';
export { TERMINAL_ACTIONS, ACTION_MTI, amountMinorUnits, buildTerminalRequest, currencyExponent, originalDataElements, originalOf } from './terminal/message.js';
export type { OriginalTransaction, TerminalAction, TerminalParams } from './terminal/message.js';
export { sendTerminalRequest, DEFAULT_TERMINAL_TIMEOUT_MS } from './terminal/send.js';
export type { TerminalResult, TerminalTarget } from './terminal/send.js';
