// CaptureLogger: the shared test LogCollector (every line kept, trace level), under the name the
// transport, trace and audit tests use.

export { LogCollector as CaptureLogger } from '../../helpers/log-collector.js';
export type { LogLine } from '../../helpers/log-collector.js';
