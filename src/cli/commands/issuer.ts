// `isotrace issuer`: the issuer stub as an ISO 8583 issuer host. The switch's host (switch-host.ts)
// with every card routed to the stub, its own audit trail, duplicate cache and originals (so that
// reversals release the holds it placed, once), the caller's trace continued from --trace-field,
// and fault injection on its answers.

import type { Command } from 'commander';
import { fieldPathProblem, parseFieldPath, type Codec, type FieldPath } from '../../codec/index.js';
import { ConfigError, type Logger } from '../../common/index.js';
import { BinTable } from '../../switch/index.js';
import { TRACEPARENT_LENGTH } from '../../trace/index.js';
import { hasFaults, injectFaults } from '../fault-injection.js';
import type { ExitCode, Io } from '../io.js';
import { ISSUER_AUDIT_OPTIONS, ISSUER_OPTIONS, issuerConfig, type IssuerConfig } from '../issuer-options.js';
import { addOptionFlags } from '../option-flags.js';
import { orderReversals } from '../reversal-order.js';
import { runHost, startHost, type RunningSwitch } from '../switch-host.js';

/** Every card to the stub: one range over every 6-digit BIN. */
const ALL_CARDS = Object.freeze([Object.freeze({ range: ['000000', '999999'], issuer: 'stub' })]);

/**
 * The trace field of `cfg` as a path the spec can carry a traceparent at; null when unset.
 * @throws ConfigError naming traceField when the spec's field cannot hold it.
 */
function traceFieldOf(cfg: IssuerConfig, codec: Codec): FieldPath | null {
  if (cfg.traceField === null) return null;
  const path = parseFieldPath(cfg.traceField)!; // its pattern was checked with the options
  const problem = fieldPathProblem(codec.spec, path, TRACEPARENT_LENGTH);
  if (problem !== null) throw new ConfigError(`traceField ${cfg.traceField}`, problem);
  return path;
}

/**
 * Builds and starts everything `issuer` runs, logging to `logger` (`logDest` as for startSwitch).
 * Logs `issuer.ready` with the bound port. Nothing stays open when it throws.
 * @throws ConfigError, SpecError for bad options or files; ConnectionError SERVER_LISTEN_FAILED;
 *   AuditError AUDIT_LOCKED, AUDIT_OPEN_FAILED.
 */
export async function startIssuer(cfg: IssuerConfig, logger: Logger, logDest: number | string | null = null): Promise<RunningSwitch> {
  const running = await startHost(cfg, {
    routing: (codec) => ({ routes: new BinTable(ALL_CARDS, 'issuer'), routesSource: 'issuer', traceField: traceFieldOf(cfg, codec) }),
    wrapHandler: (handler, endConnection, codec) => {
      const ordered = orderReversals(handler, codec);
      return hasFaults(cfg) ? injectFaults(ordered, cfg, endConnection) : ordered;
    },
  }, logger, logDest);
  const faults = { delayMs: cfg.delayMs, jitterMs: cfg.jitterMs, dropRate: cfg.dropRate, closeAfter: cfg.closeAfter };
  logger.info({
    evt: 'issuer.ready', port: running.server.address!.port, spec: running.codec.name, cards: cfg.cards, trace_field: cfg.traceField, faults,
    otlp: cfg.otlp !== null, audit_dir: cfg.audit.dir, audit_mode: cfg.audit.mode, audit_keyed: cfg.audit.key !== null,
  }, `issuer ready on port ${running.server.address!.port}`);
  return running;
}

/** Runs the issuer until SIGTERM or SIGINT; resolves with the exit code after the drain. */
export function runIssuer(flags: Record<string, unknown>, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  return runHost(io, () => issuerConfig(flags, env), startIssuer, ['issuer.stopped', 'issuer stopped']);
}

export function registerIssuer(program: Command, io: Io, setExit: (code: number) => void): void {
  const issuer = program
    .command('issuer')
    .description('run the issuer stub as an ISO 8583 issuer host (default 127.0.0.1:9100, iso87ascii, ascii4), for a switch to forward to')
    .option('--config <file>', 'a JSON file of options (keys as below in camelCase); also ISOTRACE_ISSUER_CONFIG');
  addOptionFlags(issuer, [...ISSUER_OPTIONS, ...ISSUER_AUDIT_OPTIONS]);
  issuer
    .addHelpText('after', [
      '\nExamples:',
      '  isotrace issuer --port 9100 --spec iso87binary --framing binary2 --trace-field 63',
      '  isotrace issuer --port 0 --trace-field 48:TP --delay-ms 50 --jitter-ms 20 --drop-rate 0.01 --close-after 1000',
    ].join('\n'))
    .action(async (opts) => setExit(await runIssuer(opts, io)));
}
