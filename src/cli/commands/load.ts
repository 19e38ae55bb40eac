// `isotrace load`: drives a switch with N closed-loop terminal connections (src/sim LoadRun) and
// prints a summary table or one JSON object; a live progress line on stderr when it is a terminal.

import type { Command } from 'commander';
import { DEFAULT_LOAD_OPTIONS, LOAD_KINDS, LoadRun, MAX_LOAD_CONNECTIONS, parseMix, type LoadSnapshot, type LoadSummary } from '../../sim/index.js';
import { SwitchError, plural } from '../../common/index.js';
import { DURATION_SYNTAX, parseDurationFlag } from '../duration.js';
import { headerKind } from '../header.js';
import { EXIT, UsageError, errorLine, flagValue, type ExitCode, type Io } from '../io.js';
import { framingOf, framingOption, headerOption, specOption } from '../options.js';
import { loadCodec } from '../spec-loader.js';
import { approvingCards } from '../test-cards.js';
import { addTlsClientFlags, clientTlsOf, type TlsClientFlags } from '../tls-client-flags.js';

const PROGRESS_MS = 500;
/** The load engine's limits (src/sim/load/run.ts): a week of sending, an hour's wait for one answer. */
const MAX_DURATION_MS = 7 * 86_400_000;
const MAX_TIMEOUT_MS = 3_600_000;

export interface LoadFlags extends TlsClientFlags {
  host: string;
  port: string;
  spec: string;
  framing: string;
  header?: string;
  connections: string;
  rate: string;
  duration?: string;
  count?: string;
  mix: string;
  cards?: string;
  timeout: string;
  json?: boolean;
}

/** Where the progress line goes: a stream that may be a terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

function integer(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min) throw new UsageError(`${flag} expects an integer >= ${min} (got "${text}")`);
  if (n > max) throw new UsageError(`${flag} expects an integer in ${min}..${max} (got "${text}")`);
  return n;
}

function cardsOf(text: string | undefined): string[] {
  // Default: the embedded stub's approving cards, the largest balance (the load-test card) first.
  if (text === undefined) return approvingCards().sort((a, b) => b.balance - a.balance).map((c) => c.pan);
  const cards = text.split(',').map((c) => c.trim()).filter((c) => c !== '');
  const bad = cards.findIndex((c) => !/^\d{12,19}$/.test(c));
  if (cards.length === 0 || bad >= 0) throw new UsageError(`--cards expects card numbers of 12..19 digits separated by commas${bad >= 0 ? ` (item ${bad + 1} is not)` : ''}`);
  return cards;
}

/** The engine's options from the flags. @throws UsageError, ConfigError, SpecError. */
function runOf(flags: LoadFlags): LoadRun {
  const codec = loadCodec(flags.spec);
  const framing = framingOf(flags.framing);
  const count = flags.count === undefined ? 0 : integer('--count', flags.count, 1);
  const durationMs = flags.duration !== undefined ? parseDurationFlag('--duration', flags.duration, 1, MAX_DURATION_MS) : count > 0 ? 0 : DEFAULT_LOAD_OPTIONS.durationMs;
  return new LoadRun({
    ...DEFAULT_LOAD_OPTIONS,
    host: flags.host,
    port: integer('--port', flags.port, 1, 65_535),
    codec,
    framing,
    header: headerKind(flags.header, codec.spec),
    connections: integer('--connections', flags.connections, 1, MAX_LOAD_CONNECTIONS),
    ratePerSecond: integer('--rate', flags.rate, 0),
    durationMs,
    count,
    mix: flagValue('--mix', () => parseMix(flags.mix)),
    cards: cardsOf(flags.cards),
    timeoutMs: parseDurationFlag('--timeout', flags.timeout, 1, MAX_TIMEOUT_MS),
    tls: clientTlsOf(flags),
  });
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

function progressLine(s: LoadSnapshot, perSecond: number): string {
  return `\r${(s.elapsedMs / 1000).toFixed(1).padStart(6)} s  ${n(s.sent).padStart(10)} sent  ${n(perSecond).padStart(8)}/s  p99 ${s.p99Ms.toFixed(3)} ms  timeouts ${s.timeouts}  errors ${s.errors}\x1b[K`;
}

/** The summary as a table for people. */
export function summaryTable(s: LoadSummary, connections: number): string {
  const l = s.latencyMs;
  const codes = Object.entries(s.responseCodes).map(([rc, c]) => `${rc} ${n(c)}`).join('  ') || '-';
  return [
    `load: ${plural(s.answers, 'answer', n(s.answers))} to ${plural(s.sent, 'request', n(s.sent))} on ${plural(connections, 'connection')} in ${(s.elapsedMs / 1000).toFixed(2)} s`,
    `  throughput     ${n(s.throughput)} answers/s`,
    `  latency (ms)   p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  p99.9 ${l.p999}  max ${l.max}`,
    `  response codes ${codes}`,
    `  timeouts       ${n(s.timeouts)}`,
    `  errors         ${n(s.errors)}${s.firstError === null ? '' : ` (first: ${s.firstError})`}`,
  ].join('\n');
}

/** Runs a load test; 0 when anything was answered, 1 when every request failed, 2 on bad usage. */
export async function runLoadCommand(flags: LoadFlags, io: Io, progress: ProgressStream = process.stderr): Promise<ExitCode> {
  let run: LoadRun;
  try {
    run = runOf(flags);
  } catch (err) {
    io.err(errorLine(err));
    return EXIT.USAGE;
  }
  const finished = run.run();
  let ticker: NodeJS.Timeout | null = null;
  if (progress.isTTY === true) {
    let last = run.snapshot();
    ticker = setInterval(() => {
      const now = run.snapshot();
      progress.write(progressLine(now, ((now.answers - last.answers) * 1000) / Math.max(1, now.elapsedMs - last.elapsedMs)));
      last = now;
    }, PROGRESS_MS);
  }
  const onSigint = (): void => run.stop();
  process.once('SIGINT', onSigint);
  let summary: LoadSummary;
  try {
    summary = await finished;
  } finally {
    process.removeListener('SIGINT', onSigint);
    if (ticker !== null) {
      clearInterval(ticker);
      progress.write('\r\x1b[K');
    }
  }
  if (summary.answers === 0 && summary.sent + summary.errors > 0) {
    const err = new SwitchError('LOAD_NO_ANSWER', `no request was answered: ${summary.firstError ?? `${summary.timeouts} timed out`}`);
    // With --json, stdout stays JSON for the script reading it: the summary and what went wrong.
    if (flags.json === true) io.out(JSON.stringify({ ...summary, error: { code: err.code, message: err.message } }));
    io.err(errorLine(err));
    return EXIT.INVALID;
  }
  io.out(flags.json === true ? JSON.stringify(summary) : summaryTable(summary, Number(flags.connections)));
  return EXIT.OK;
}

/** Registers `isotrace load` on `program`. */
export function registerLoad(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('load')
    .description('load-test a switch: N terminal connections, each waiting for its answer; prints throughput, latency percentiles and response codes')
    .option('--host <host>', 'switch host', '127.0.0.1')
    .option('--port <port>', 'switch port', '8583')
    .addOption(specOption())
    .addOption(framingOption('TCP length header', 'ascii4'))
    .addOption(headerOption());
  addTlsClientFlags(cmd)
    .option('--connections <n>', 'terminal connections (terminal ids LD000001...)', '10')
    .option('--rate <n>', 'target total requests per second; 0 = as fast as answers come', '0')
    .option('--duration <duration>', `how long to send: ${DURATION_SYNTAX} (default: 10s, or none with --count)`)
    .option('--count <n>', 'stop after sending this many requests')
    .option('--mix <weights>', `message mix as kind=weight, kinds ${LOAD_KINDS.join(', ')} (0100, 0200, 0800)`, 'auth=100')
    .option('--cards <pans>', 'card numbers used in turn, comma-separated (default: the approving test cards of fixtures/issuer)')
    .option('--timeout <duration>', `a request unanswered this long counts as a timeout: ${DURATION_SYNTAX}`, `${DEFAULT_LOAD_OPTIONS.timeoutMs / 1000}s`)
    .option('--json', 'print the summary as one JSON object')
    .addHelpText('after', '\nExamples:\n  isotrace load --port 8583 --connections 50 --duration 30s --mix auth=90,purchase=5,echo=5\n  isotrace load --port 8583 --tls-ca ca.pem --tls-cert terminal.pem --tls-key terminal.key --duration 10s')
    .action(async (opts: LoadFlags) => setExit(await runLoadCommand(opts, io)));
}
