// A Logger that keeps every line for assertions and lets a test await a line by its `evt`.

import type { Logger } from '../../../src/common/index.js';

export interface LogLine {
  level: string;
  msg: string | undefined;
  [key: string]: unknown;
}

export class CaptureLogger implements Logger {
  readonly lines: LogLine[] = [];
  readonly #waiters: Array<{ evt: string; resolve: (line: LogLine) => void }> = [];

  trace = (obj: object, msg?: string): void => this.#push('trace', obj, msg);
  debug = (obj: object, msg?: string): void => this.#push('debug', obj, msg);
  info = (obj: object, msg?: string): void => this.#push('info', obj, msg);
  warn = (obj: object, msg?: string): void => this.#push('warn', obj, msg);
  error = (obj: object, msg?: string): void => this.#push('error', obj, msg);

  child(): Logger {
    return this;
  }

  isLevelEnabled(): boolean {
    return true;
  }

  /** Lines whose `evt` is `evt`. */
  events(evt: string): LogLine[] {
    return this.lines.filter((l) => l.evt === evt);
  }

  /** Resolves with the first line with this `evt`, already logged or still to come. */
  next(evt: string): Promise<LogLine> {
    const seen = this.lines.find((l) => l.evt === evt);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ evt, resolve }));
  }

  #push(level: string, obj: object, msg: string | undefined): void {
    const line: LogLine = { level, msg, ...obj };
    this.lines.push(line);
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      if (this.#waiters[i].evt !== line.evt) continue;
      this.#waiters[i].resolve(line);
      this.#waiters.splice(i, 1);
    }
  }
}
