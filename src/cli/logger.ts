// Builds the process's pino logger: JSON lines on stdout (or a file, reopened on demand for
// logrotate) through a batching destination (about 1.4 µs a line here against 4 µs for pino's
// default), with redaction of card data as a backstop.

import pino from 'pino';
import type { LineLoggerFactory } from '../journal/index.js';
import type { Logger } from '../common/index.js';
import { workerIndexOf } from './worker-identity.js';

const FLUSH_MS = 200;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;

export interface ProcessLogger {
  logger: Logger;
  /** Writes out what is still buffered; call before the process exits. */
  flush(): void;
  /** The logger's bindings as pino writes them into each line (`,"service":"isotrace"`). */
  bindings: string;
  /** Appends ready-made lines to the logger's destination, in order with its own. */
  write(lines: string): void;
  /**
   * A file destination: opens the path again (after logrotate moved the file, a new one), lines
   * buffered so far going to the one or the other, none lost. Logs `log.reopen_failed` (to the
   * file still open) when it cannot. A file descriptor: does nothing.
   */
  reopen(): void;
}

/** The `service` of every line unless the host names its own (`isotrace issuer`: `isotrace-issuer`). */
export const DEFAULT_LOG_SERVICE = 'isotrace';

/**
 * What every line carries: `service` and, in a worker of `serve --workers`, the worker's number and
 * pid as workerPid (`pid` is a field of some lines), its journal thread's lines too: a worker thread
 * inherits the environment.
 */
function baseBindings(service: string): Record<string, string | number> {
  const index = workerIndexOf(process.env);
  return index === null ? { service } : { service, worker: index, workerPid: process.pid };
}

/**
 * pino on stdout, or on `dest`: a file descriptor, or a file path (opened for append, created if
 * missing; see reopen()). `isSync`: every write goes to the fd at once on the calling thread (for
 * a thread that writes in batches and has nothing else to do: no buffering, no trip through
 * libuv's thread pool). `service`: the `service` every line carries, so that a combined journal
 * tells the switch's lines from its issuer's.
 */
export function createLogger(level: string, dest: number | string = 1, isSync = false, service: string = DEFAULT_LOG_SERVICE): ProcessLogger {
  const stream = isSync ? pino.destination({ dest, minLength: 0, sync: true }) : pino.destination({ dest, minLength: 4096, sync: false });
  const log = pino(
    {
      level,
      base: baseBindings(service),
      // Backstop only: nothing should reach a log line unmasked in the first place. Top-level paths
      // only: wildcard paths cost about 7 µs a line here, more than the rest of the line.
      redact: { paths: ['pan', 'track2', 'pinBlock'], censor: '***' },
    },
    stream,
  );
  const flush = (): void => {
    try {
      stream.flushSync();
    } catch {
      // the destination may not be ready yet (nothing written): nothing to flush
    }
  };
  // Batches fill in microseconds under load; when quiet, a line still shows within FLUSH_MS.
  if (!isSync) setInterval(() => stream.flush(), FLUSH_MS).unref();
  const bindings = (log as unknown as Record<symbol, string>)[pino.symbols.chindingsSym];
  const logger = log as unknown as Logger;
  // A file that cannot be opened again (a directory gone, permissions), or written (a full disk),
  // must not end the switch: it says so once, and goes on with the file it has. Quiet until the
  // file opens again, so that a line about a write that failed cannot make another fail, forever.
  let isReopening = false;
  let isQuiet = false;
  const report = (err: unknown): void => {
    if (isQuiet) return;
    isQuiet = true;
    const code = (err as { code?: string } | null)?.code ?? 'ERROR';
    if (isReopening) logger.warn({ evt: 'log.reopen_failed', file: dest, err: { code } }, 'log file not reopened; still writing to the file open before');
    else logger.error({ evt: 'log.write_failed', file: dest, err: { code } }, 'log file not written; lines may be lost');
    isReopening = false;
  };
  if (typeof dest === 'string') {
    stream.on('error', report);
    stream.on('ready', () => {
      isReopening = false;
      isQuiet = false;
    });
  }
  const reopen = (): void => {
    if (typeof dest !== 'string') return;
    isReopening = true;
    isQuiet = false;
    try {
      stream.reopen();
    } catch (err) {
      report(err); // sync mode throws as well as emitting 'error'; reported once either way
    }
  };
  return { logger, flush, bindings, write: (lines) => void stream.write(lines), reopen };
}

// The journal thread loads this module by URL (serve's LOG_MODULE) and calls its createLogger.
createLogger satisfies LineLoggerFactory;
