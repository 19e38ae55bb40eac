// LogCollector: a Logger that keeps every line in memory as pino would render it (bindings, the
// object, msg), with no redaction backstop, so a leak test sees exactly what the code handed over.
// Lines can be awaited by `evt`. Test-only.

import type { Logger } from '../../src/common/index.js';

export interface LogLine {
  level: string;
  msg?: string;
  evt?: string;
  [key: string]: unknown;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'];

/** JSON that keeps what pino's serializers keep: error text, code, stack and cause; bytes as hex. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { type: value.name, message: value.message, code: (value as { code?: unknown }).code, stack: value.stack, cause: value.cause };
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex').toUpperCase();
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('hex').toUpperCase();
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

class Shared {
  readonly lines: LogLine[] = [];
  readonly text: string[] = [];
  waiters: Array<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];
}

export class LogCollector implements Logger {
  readonly #shared: Shared;
  readonly #bindings: Record<string, unknown>;
  readonly #threshold: number;

  constructor(level = 'trace', shared = new Shared(), bindings: Record<string, unknown> = {}) {
    this.#threshold = LEVELS.indexOf(level);
    if (this.#threshold < 0) throw new Error(`LogCollector: unknown level ${level}`);
    this.#shared = shared;
    this.#bindings = bindings;
  }

  trace = (obj: object, msg?: string): void => this.#push('trace', obj, msg);
  debug = (obj: object, msg?: string): void => this.#push('debug', obj, msg);
  info = (obj: object, msg?: string): void => this.#push('info', obj, msg);
  warn = (obj: object, msg?: string): void => this.#push('warn', obj, msg);
  error = (obj: object, msg?: string): void => this.#push('error', obj, msg);

  child(bindings: Record<string, unknown>): Logger {
    return new LogCollector(LEVELS[this.#threshold], this.#shared, { ...this.#bindings, ...bindings });
  }

  isLevelEnabled(level: string): boolean {
    return LEVELS.indexOf(level) >= this.#threshold;
  }

  get lines(): readonly LogLine[] {
    return this.#shared.lines;
  }

  /** Every line as one JSON text per line, the way it would reach stdout. */
  text(): string {
    return this.#shared.text.join('\n');
  }

  events(evt: string): LogLine[] {
    return this.#shared.lines.filter((l) => l.evt === evt);
  }

  /** Resolves with the `nth` (1-based) line with this `evt` that matches `where`, logged or still to come. */
  next(evt: string, where: (l: LogLine) => boolean = () => true, nth = 1): Promise<LogLine> {
    let seen = 0;
    const match = (l: LogLine): boolean => l.evt === evt && where(l) && ++seen === nth;
    const found = this.#shared.lines.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.#shared.waiters.push({ match, resolve }));
  }

  #push(level: string, obj: object, msg: string | undefined): void {
    if (LEVELS.indexOf(level) < this.#threshold) return;
    const line: LogLine = { level, ...this.#bindings, ...obj, ...(msg === undefined ? {} : { msg }) };
    const shared = this.#shared;
    shared.lines.push(line);
    shared.text.push(JSON.stringify(line, replacer));
    shared.waiters = shared.waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
  }
}
