// `isotrace replay`: reads scenario files, folders of them and .hex captures, replays each on its
// own connection to a switch, and reports (text, --json, --junit FILE). Exit 0 all passed, 1 not, 2 usage.

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../common/index.js';
import { SpecError } from '../../codec/index.js';
import {
  DEFAULT_STEP_TIMEOUT_MS, MAX_STEP_TIMEOUT_MS, captureScenario, jsonReport, junitReport, parseScenario, randomStans, runScenario, textReport, totals,
  type Scenario, type ScenarioResult,
} from '../../sim/index.js';
import { DURATION_SYNTAX, parseDurationFlag } from '../duration.js';
import { headerKind } from '../header.js';
import { EXIT, UsageError, errorLine, type ExitCode, type Io } from '../io.js';
import { jsonSyntaxProblem } from '../json-syntax.js';
import { framingOf, framingOption, headerOption, specOption } from '../options.js';
import { loadCodec } from '../spec-loader.js';
import { addTlsClientFlags, clientTlsOf, type TlsClientFlags } from '../tls-client-flags.js';

export interface ReplayOptions extends TlsClientFlags {
  host?: string;
  port?: string;
  spec: string;
  framing?: string;
  header?: string;
  json?: boolean;
  junit?: string;
  timeout?: string;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'CLI_FILE_ACCESS');
  }
}

/** The scenario in one file: a .hex capture, or JSON. */
function loadFile(path: string, timeoutMs: number): Scenario {
  const text = readText(path);
  if (path.endsWith('.hex')) return captureScenario(text.split(/\r?\n/), path, timeoutMs);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(path, `not valid JSON (${jsonSyntaxProblem(err)})`);
  }
  return parseScenario(json, path, timeoutMs);
}

/** Every scenario named by `paths`: files as given, folders' .json and .hex files in name order. */
export function loadScenarios(paths: readonly string[], timeoutMs: number): Scenario[] {
  const files: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (err) {
      throw new UsageError(`${p}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'CLI_FILE_ACCESS');
    }
    if (!isDir) files.push(p);
    else files.push(...readdirSync(p).filter((n) => n.endsWith('.json') || n.endsWith('.hex')).sort().map((n) => join(p, n)));
  }
  if (files.length === 0) throw new UsageError('no scenario (.json) or capture (.hex) files found', 'CLI_BAD_USAGE');
  return files.map((f) => loadFile(f, timeoutMs));
}

function integer(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got "${text}")`);
  return n;
}

/** Runs replay; returns the exit code (0 all passed, 1 a step failed, 2 bad usage). */
export async function runReplay(paths: string[], opts: ReplayOptions, io: Io): Promise<ExitCode> {
  const results: ScenarioResult[] = [];
  try {
    const port = integer('--port', opts.port, 8583, 1, 65_535);
    const timeoutMs = opts.timeout === undefined ? DEFAULT_STEP_TIMEOUT_MS : parseDurationFlag('--timeout', opts.timeout, 1, MAX_STEP_TIMEOUT_MS);
    const tls = clientTlsOf(opts);
    const scenarios = loadScenarios(paths, timeoutMs);
    const stans = randomStans();
    for (const s of scenarios) {
      const codec = loadCodec(s.spec ?? opts.spec);
      const header = headerKind(s.header ?? opts.header, codec.spec);
      const framing = s.framing ?? framingOf(opts.framing ?? 'ascii4'); // a scenario's own is checked when parsed
      results.push(await runScenario(s, codec, { host: opts.host ?? '127.0.0.1', port, framing, header, tls }, { stans }));
    }
    if (opts.junit !== undefined) {
      try {
        writeFileSync(opts.junit, junitReport(results));
      } catch (err) {
        throw new UsageError(`--junit ${opts.junit}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'CLI_FILE_ACCESS');
      }
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof SpecError) {
      io.err(errorLine(err));
      return EXIT.USAGE;
    }
    throw err;
  }
  io.out(opts.json === true ? JSON.stringify(jsonReport(results)) : textReport(results));
  return totals(results).failed === 0 ? EXIT.OK : EXIT.INVALID;
}

/** Adds `replay` to the program. */
export function registerReplay(program: Command, io: Io, setExit: (code: number) => void): void {
  const cmd = program
    .command('replay')
    .description('send scenario files or raw .hex captures to a switch, check the answers; exit 1 on any mismatch')
    .argument('<paths...>', 'scenario .json files, .hex captures (one message per line), or folders of them')
    .option('--host <host>', 'the switch host (default: 127.0.0.1)')
    .option('--port <port>', 'the switch port (default: 8583)')
    .addOption(specOption())
    .addOption(framingOption('length header (default: ascii4)'))
    .addOption(headerOption());
  addTlsClientFlags(cmd)
    .option('--timeout <duration>', `a step's default wait for its answer: ${DURATION_SYNTAX} (default: ${DEFAULT_STEP_TIMEOUT_MS / 1000}s)`)
    .option('--json', 'print the report as one JSON object')
    .option('--junit <file>', 'also write a JUnit XML report to FILE')
    .addHelpText('after', '\nExample:\n  isotrace replay fixtures/scenarios --port 8583 --junit replay.xml')
    .action(async (paths: string[], opts: ReplayOptions) => setExit(await runReplay(paths, opts, io)));
}
