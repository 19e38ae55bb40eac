// CaptureLogger: a Logger that keeps every line (level, bindings, object, msg) for assertions.

import type { Logger } from '../../../src/shared/index.js';

export interface LogLine {
  level: string;
  msg: string | undefined;
  [key: string]: unknown;
}

export class CaptureLogger implements Logger {
  readonly lines: LogLine[];
  readonly #bindings: Record<string, unknown>;

  constructor(lines: LogLine[] = [], bindings: Record<string, unknown> = {}) {
    this.lines = lines;
    this.#bindings = bindings;
  }

  trace = (obj: object, msg?: string): void => this.#push('trace', obj, msg);
  debug = (obj: object, msg?: string): void => this.#push('debug', obj, msg);
  info = (obj: object, msg?: string): void => this.#push('info', obj, msg);
  warn = (obj: object, msg?: string): void => this.#push('warn', obj, msg);
  error = (obj: object, msg?: string): void => this.#push('error', obj, msg);

  child(bindings: Record<string, unknown>): Logger {
    return new CaptureLogger(this.lines, { ...this.#bindings, ...bindings });
  }

  isLevelEnabled(): boolean {
    return true;
  }

  /** Lines whose `evt` is `evt`. */
  events(evt: string): LogLine[] {
    return this.lines.filter((l) => l.evt === evt);
  }

  #push(level: string, obj: object, msg: string | undefined): void {
    this.lines.push({ level, msg, ...this.#bindings, ...obj });
  }
}
