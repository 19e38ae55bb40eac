// Logger: the minimal logging interface every layer receives by injection (pino's shape), and a
// no-op logger for when none is given. Builds no logger itself: only cli/ constructs pino.

/** Level names, lowest first, as pino names them. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** One log call: a structured object with a stable `evt`, then a short message. */
export type LogFn = (obj: object, msg?: string) => void;

/**
 * What isotrace needs from a logger; a pino logger satisfies it as is. Lines carry a stable `evt`
 * (`conn.open`, `link.down`) and never raw frames or field contents.
 */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger whose every line carries `bindings`; create once per connection or transaction. */
  child(bindings: Record<string, unknown>): Logger;
  /** Guard for costly instrumentation: build the object only when the level is on. */
  isLevelEnabled(level: string): boolean;
}

const noop: LogFn = () => {};

/** A logger that drops everything; `child` returns itself, so it costs nothing per connection. */
export const NOOP_LOGGER: Logger = Object.freeze({
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child(): Logger {
    return NOOP_LOGGER;
  },
  isLevelEnabled(): boolean {
    return false;
  },
});
