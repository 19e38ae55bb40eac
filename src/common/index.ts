// Public surface of src/common: the error base, the code registry, ConfigError and option checks,
// the Logger and Clock interfaces, counts in words. Imports nothing outside shared/.
export { SwitchError } from './errors.js';
export { ERROR_CODES, isErrorCode } from './error-codes.js';
export type { ErrorCode } from './error-codes.js';
export { ConfigError, checkInteger, checkNumber, checkOneOf, checkBoolean, checkKnownKeys } from './config-error.js';
export { NOOP_LOGGER } from './logger.js';
export type { Logger, LogFn, LogLevel } from './logger.js';
export { SYSTEM_CLOCK } from './clock.js';
export { plural } from './plural.js';
export type { Clock, ClockTimer } from './clock.js';
export type { AuthorizationRequest, ReversalCause, ReversalRequest, IssuerDecision, IssuerBackend, IssuerCallTrace, PeerEndpoint } from './issuer-port.js';
export { IssuerError, RoutingError } from './issuer-errors.js';
export { jsonString } from './json-text.js';
export { checkLoggerAndClock, stripUndefined } from './options.js';
export { BucketHistogram, LATENCY_BUCKETS_SECONDS, histogramSlots } from './bucket-histogram.js';
