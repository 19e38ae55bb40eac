// Public surface of src/sim: terminal simulation and fixture replay. Imports shared/, codec/ and
// transport/ only; reads no files (the CLI passes parsed scenarios in).

export { parseScenario, captureScenario, DEFAULT_STEP_TIMEOUT_MS } from './replay-scenario.js';
export type { Scenario, ScenarioStep, StepExpect, StepSend } from './replay-scenario.js';
export { fillTemplate, fillFields, formatTime, placeholders } from './replay-template.js';
export type { TemplateContext } from './replay-template.js';
export { checkAnswer, captureValues, matchesValue } from './replay-expect.js';
export type { FieldDiff } from './replay-expect.js';
export { ReplayLink } from './replay-link.js';
export type { ReplayTarget } from './replay-link.js';
export { runScenario, randomStans, DEFAULT_TPDU } from './replay-runner.js';
export type { RunOptions, ScenarioResult, ShownMessage, StepResult } from './replay-runner.js';
export { textReport, jsonReport, junitReport, totals, diffLines } from './replay-report.js';
export type { ReplayTotals } from './replay-report.js';
