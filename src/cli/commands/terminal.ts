// `isotrace terminal auth|purchase|reverse|echo|signon`: sends one transaction as a terminal would
// (src/sim) and prints both messages masked, the response code, the round trip and the audit
// record's trace_id. The per-terminal state file (STAN counter, history) is terminal-state.ts.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { readAudit } from '../../audit/index.js';
import { describe as describeMessage, toJson, type Codec } from '../../codec/index.js';
import {
  DEFAULT_TERMINAL_TIMEOUT_MS, TERMINAL_ACTIONS, amountMinorUnits, buildTerminalRequest, sendTerminalRequest,
  type TerminalAction, type TerminalResult,
} from '../../sim/index.js';
import { dialectOf } from '../../switch/index.js';
import { DURATION_SYNTAX, parseDurationFlag } from '../duration.js';
import { headerKind } from '../header.js';
import { EXIT, UsageError, errorLine, flagValue, type ExitCode, type Io } from '../io.js';
import { framingOf, framingOption, headerOption, specOption } from '../options.js';
import { loadCodec } from '../spec-loader.js';
import { HISTORY_LENGTH, findInHistory, readState, recordAnswer, remember, takeStan, writeState, type HistoryEntry, type TerminalState } from '../terminal-state.js';
import { approvingCards, cardExpiry } from '../test-cards.js';
import { addTlsClientFlags, tlsClientOptionsOf, type TlsClientFlags } from '../tls-client-flags.js';
import { auditDirFrom } from './audit/options.js';

export interface TerminalFlags extends TlsClientFlags {
  host: string;
  port: string;
  spec: string;
  framing: string;
  header?: string;
  /** Card and amount flags: absent for the actions that do not take them (echo, signon). */
  pan?: string;
  expiry?: string;
  amount?: string;
  currency?: string;
  terminal: string;
  merchant?: string;
  acquirer?: string;
  stan?: string;
  timeout: string;
  stateDir: string;
  auditDir?: string;
  json?: boolean;
}

/** Defaults of the card and amount flags, also used for the actions that do not take them. */
const DEFAULTS = Object.freeze({ amount: '12.50', currency: '840', merchant: 'MERCHANT0000001', acquirer: '123456' });
const AUDIT_WAIT_MS = 1000;
const AUDIT_POLL_MS = 50;
/** At most a day: the link's limit. */
const MAX_TIMEOUT_MS = 86_400_000;
/** DE 14 for a card the cards file does not list (another issuer's): any date the terminal accepts. */
const FALLBACK_EXPIRY = '2812';

function checked(flag: string, text: string, re: RegExp, what: string): string {
  if (!re.test(text)) throw new UsageError(`${flag} expects ${what} (got "${text}")`);
  return text;
}

/** Why the exchange failed, in one line: the error, the peer and the socket's reason (ECONNREFUSED). */
function failureLine(err: Error | null, host: string, port: number): string {
  const why = (err?.cause as NodeJS.ErrnoException | undefined)?.code;
  return `${errorLine(err)} (${host}:${port}${typeof why === 'string' ? `: ${why}` : ''})`;
}

/**
 * The trace_id of the newest audit record of this request (terminal id, STAN, MTI), waiting up to
 * AUDIT_WAIT_MS for the switch to write it; null when the directory is missing or nothing matches.
 */
async function findTraceId(dir: string, terminalId: string, stan: string, mti: string): Promise<string | null> {
  const deadline = Date.now() + AUDIT_WAIT_MS;
  for (;;) {
    let found: string | null = null;
    try {
      for await (const { record } of readAudit(dir)) {
        const req = record.request as Record<string, unknown> | null;
        const isMatch = String(req?.terminal_id ?? '').trim() === terminalId && req?.stan === stan && req?.mti === mti;
        if (isMatch && typeof record.trace_id === 'string') found = record.trace_id;
      }
    } catch {
      return null; // no audit directory here (or not readable): the lookup is a courtesy
    }
    if (found !== null || Date.now() >= deadline) return found;
    await sleep(AUDIT_POLL_MS);
  }
}

interface Prepared {
  codec: Codec;
  action: TerminalAction;
  terminalId: string;
  state: TerminalState;
  /** The history entry of an auth or purchase, updated with its answer; null for other actions. */
  entry: HistoryEntry | null;
  request: ReturnType<typeof buildTerminalRequest>;
  target: Parameters<typeof sendTerminalRequest>[1];
}

/** Flags checked and the request built. @throws UsageError, ConfigError, SpecError. */
function prepare(action: TerminalAction, flags: TerminalFlags): Prepared {
  const codec = loadCodec(flags.spec);
  const framing = framingOf(flags.framing);
  const port = Number(checked('--port', flags.port, /^\d{1,5}$/, 'a port number 1..65535'));
  if (port < 1 || port > 65535) throw new UsageError(`--port expects a port number 1..65535 (got "${flags.port}")`);
  const terminalId = checked('--terminal', flags.terminal, /^[A-Za-z0-9]{1,8}$/, '1..8 letters or digits');
  const currency = checked('--currency', flags.currency ?? DEFAULTS.currency, /^\d{3}$/, 'an ISO 4217 numeric code such as 840');
  const stanFlag = flags.stan === undefined ? undefined : checked('--stan', flags.stan, /^\d{6}$/, '6 digits');
  const state = readState(flags.stateDir, terminalId);
  const original = action === 'reverse' ? originalToReverse(state, terminalId, stanFlag, flags.stateDir) : null;
  const stan = original?.stan ?? stanFlag ?? takeStan(state);
  const pan = checked('--pan', flags.pan ?? approvingCards()[0].pan, /^\d{12,19}$/, '12..19 digits');
  // A test card's own expiry unless --expiry overrides it: the stub declines any other DE 14 (54).
  const expiry = flags.expiry === undefined ? (cardExpiry(pan) ?? FALLBACK_EXPIRY) : checked('--expiry', flags.expiry, /^\d\d(0[1-9]|1[0-2])$/, 'YYMM');
  const request = buildTerminalRequest(action, {
    pan,
    expiry,
    amount: flagValue('--amount', () => amountMinorUnits(flags.amount ?? DEFAULTS.amount, currency)),
    currency,
    terminalId,
    merchantId: checked('--merchant', flags.merchant ?? DEFAULTS.merchant, /^[A-Za-z0-9 ]{1,15}$/, '1..15 letters or digits'),
    acquirerId: checked('--acquirer', flags.acquirer ?? DEFAULTS.acquirer, /^\d{1,11}$/, '1..11 digits'),
    stan,
    original,
  }, new Date(), codec);
  const target = {
    codec, host: flags.host, port, framing,
    header: headerKind(flags.header, codec.spec), timeoutMs: parseDurationFlag('--timeout', flags.timeout, 1, MAX_TIMEOUT_MS), tls: tlsClientOptionsOf(flags),
  };
  const entry = action === 'auth' || action === 'purchase' ? remember(state, request) : null;
  return { codec, action, terminalId, state, entry, request, target };
}

/** The transaction `reverse` names: the newest of the history with `stan`, else the last. @throws UsageError when there is none. */
function originalToReverse(state: TerminalState, terminalId: string, stan: string | undefined, stateDir: string): HistoryEntry {
  const found = findInHistory(state, stan);
  if (found !== undefined) return found;
  if (stan === undefined) throw new UsageError(`nothing to reverse: terminal ${terminalId} has no earlier auth or purchase in ${stateDir}`, 'CLI_BAD_USAGE');
  throw new UsageError(`--stan ${stan}: no auth or purchase with this STAN among the last ${HISTORY_LENGTH} of terminal ${terminalId} in ${stateDir}`, 'CLI_BAD_USAGE');
}

/** What DE 39 `rc` means in the spec's edition (1987 response code, 1993 action code); null when unknown. */
function meaningOf(codec: Codec, rc: string): string | null {
  return dialectOf(codec.spec).meanings[rc] ?? null;
}

/** The text report: both dumps, RC and meaning, round trip, trace_id. */
function textReport(codec: Codec, result: TerminalResult, rc: string, traceId: string | null): string {
  const lines = ['request', describeMessage(codec, result.request), '', 'response', describeMessage(codec, result.response!), ''];
  lines.push(`RC ${rc} ${meaningOf(codec, rc) ?? 'unknown response code'}`, `round trip ${result.rttMs!.toFixed(1)} ms`);
  lines.push(`trace_id ${traceId ?? '(no audit record found)'}`);
  return lines.join('\n');
}

/** Sends one transaction: 0 on any answer, 1 on timeout or a broken link, 2 on bad usage. */
export async function runTerminal(action: TerminalAction, flags: TerminalFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  let p: Prepared;
  try {
    p = prepare(action, flags);
    // Saved before sending: a request that times out used its STAN and may itself need reversing.
    if (action !== 'reverse') writeState(flags.stateDir, p.terminalId, p.state);
  } catch (err) {
    io.err(errorLine(err));
    return EXIT.USAGE;
  }
  const result = await sendTerminalRequest(p.request, p.target);
  if (result.response === null) {
    io.err(failureLine(result.error, flags.host, p.target.port));
    return EXIT.INVALID;
  }
  const rc = String(result.response.get(39) ?? '');
  if (p.entry !== null) {
    recordAnswer(p.entry, result.response);
    writeState(flags.stateDir, p.terminalId, p.state);
  }
  const auditDir = auditDirFrom({ dir: flags.auditDir }, env);
  const traceId = await findTraceId(auditDir, p.terminalId, String(result.request.get(11)), result.request.mti);
  if (flags.json === true) {
    io.out(JSON.stringify({
      action, request: toJson(p.codec, result.request), response: toJson(p.codec, result.response), rc,
      meaning: meaningOf(p.codec, rc), rtt_ms: Math.round(result.rttMs! * 1000) / 1000, trace_id: traceId,
    }));
  } else {
    io.out(textReport(p.codec, result, rc, traceId));
  }
  return EXIT.OK;
}

const HELP: Readonly<Record<TerminalAction, string>> = Object.freeze({
  auth: 'send an authorization (0100; 1100 with a 1993 spec)',
  purchase: 'send a purchase (0200; 1200 with a 1993 spec)',
  reverse: 'reverse (0400 with DE 90; 1420 with DE 56) the last transaction of this terminal, or the one of --stan',
  echo: 'send an echo test (0800, DE 70 301; 1804, DE 24 831)',
  signon: 'send a sign-on (0800, DE 70 001; 1804, DE 24 801)',
});

/**
 * The flags only some actions take: echo and signon carry no card or amount; reverse carries the
 * card (DE 2: the history never keeps the PAN) but takes its amount and currency from the original.
 */
function addTransactionOptions(cmd: Command, action: TerminalAction): void {
  if (action === 'echo' || action === 'signon') return;
  cmd.option('--pan <digits>', action === 'reverse'
    ? "the original's card number, DE 2 (default: the first approving test card of fixtures/issuer/cards.json)"
    : 'card number (default: the first approving test card of fixtures/issuer/cards.json)');
  if (action !== 'reverse') {
    cmd
      .option('--expiry <YYMM>', `card expiry, DE 14 (default: the card's own in fixtures/issuer/cards.json, else ${FALLBACK_EXPIRY})`)
      .option('--amount <decimal>', 'amount in the currency, e.g. 12.50', DEFAULTS.amount)
      .option('--currency <code>', 'ISO 4217 numeric currency, DE 49', DEFAULTS.currency);
  }
  cmd
    .option('--merchant <id>', 'merchant id, DE 42', DEFAULTS.merchant)
    .option('--acquirer <id>', 'acquirer institution id, DE 32', DEFAULTS.acquirer);
}

/** Registers `isotrace terminal` and its sub-commands on `program`. */
export function registerTerminal(program: Command, io: Io, setExit: (code: number) => void): void {
  const terminal = program.command('terminal').description('send one transaction as a terminal and show the answer');
  for (const action of TERMINAL_ACTIONS) {
    const cmd = terminal
      .command(action)
      .description(HELP[action])
      .option('--host <host>', 'switch host', '127.0.0.1')
      .option('--port <port>', 'switch port', '8583')
      .addOption(specOption())
      .addOption(framingOption('TCP length header', 'ascii4'))
      .addOption(headerOption());
    addTlsClientFlags(cmd);
    addTransactionOptions(cmd, action);
    cmd
      .option('--terminal <id>', 'terminal id, DE 41 (1..8 letters or digits)', 'TERM0001')
      .option('--stan <digits>', action === 'reverse' ? `the original's STAN, one of the terminal's last ${HISTORY_LENGTH} auths and purchases (default: the last)` : 'DE 11 (default: the next of the terminal\'s counter)')
      .option('--timeout <duration>', `longest wait to connect and then for the answer: ${DURATION_SYNTAX}`, `${DEFAULT_TERMINAL_TIMEOUT_MS / 1000}s`)
      .option('--state-dir <dir>', `where each terminal's STAN counter and last ${HISTORY_LENGTH} auths and purchases are kept (never the PAN)`, './var/terminal')
      .option('--audit-dir <dir>', "the switch's audit directory, for the trace_id; also ISOTRACE_AUDIT_DIR (default: ./var/audit)")
      .option('--json', 'print one JSON object')
      .addHelpText('after', `\nExample:\n  isotrace terminal ${action} --port 8583${action === 'auth' ? ' --amount 12.50' : ''}`)
      .action(async (opts: TerminalFlags) => setExit(await runTerminal(action, opts, io)));
  }
}
