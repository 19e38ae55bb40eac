// `isotrace serve`: the switch. Resolves and checks the configuration, builds the logger, and runs
// the host (switch-host.ts) with the routes file, until SIGTERM/SIGINT drains it; with --workers N,
// N such switches under one primary (serve-workers.ts).

import cluster from 'node:cluster';
import type { Logger } from '../../common/index.js';
import { EXIT, errorLine, type ExitCode, type Io } from '../io.js';
import { hasRemoteIssuers, issuerBackends } from '../issuer-backends.js';
import { reloadIssuerTls } from '../issuer-tls.js';
import { loadRoutesFile } from '../routes-file.js';
import { serveConfig, type ServeConfig } from '../serve-config.js';
import { runHost, startHost, type RunningSwitch } from '../switch-host.js';
import { runServePrimary, runServeWorker } from '../serve-workers.js';
import { workerIndexOf } from '../worker-identity.js';

export type { RunningSwitch } from '../switch-host.js';

/**
 * Builds and starts everything `serve` runs, logging to `logger`. `logDest`: the fd or file `logger`
 * writes to, when it is the process's pino logger: the journal thread then writes txn.done lines there
 * itself; null sends them back through `logger`. Nothing stays open when it throws.
 * @throws ConfigError, SpecError for bad options or files; ConnectionError SERVER_LISTEN_FAILED;
 *   AuditError AUDIT_LOCKED, AUDIT_OPEN_FAILED (and as AuditWriter.open).
 */
export async function startSwitch(cfg: ServeConfig, logger: Logger, logDest: number | string | null = null): Promise<RunningSwitch> {
  const where = `routes ${cfg.routes}`;
  /** Set once the host has built them: what a SIGHUP reloads the issuers' TLS files into. */
  let reloadIssuers: (() => void) | undefined;
  const running = await startHost(cfg, {
    routing: () => {
      const { routes, issuers, issuerCodecs, issuerTls } = loadRoutesFile(cfg.routes);
      return {
        routes, routesSource: where, traceField: null, issuerNames: new Set(issuers.keys()), usesSaf: hasRemoteIssuers(issuers),
        backends: (ctx) => {
          const built = issuerBackends(issuers, issuerCodecs, ctx, issuerTls);
          if (issuerTls.size > 0) reloadIssuers = () => reloadIssuerTls(issuers, built, where, logger);
          return built;
        },
      };
    },
  }, logger, logDest);
  running.reloadIssuerTls = reloadIssuers;
  logger.info({ evt: 'serve.ready', spec: running.codec.name, routes: cfg.routes, cards: cfg.cards, otlp: cfg.otlp !== null, audit_dir: cfg.audit.dir, audit_mode: cfg.audit.mode, audit_keyed: cfg.audit.key !== null }, 'switch ready');
  return running;
}

/**
 * Runs the switch until SIGTERM or SIGINT; resolves with the exit code after the drain. With
 * --workers N (N > 1): the primary of N workers; in a worker it forked: that worker's switch.
 */
export function runServe(flags: Record<string, unknown>, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const configOf = (): ServeConfig => serveConfig(flags, env);
  const index = cluster.isWorker ? workerIndexOf(env) : null;
  if (index !== null) return runServeWorker(io, configOf, index, startSwitch);
  let cfg: ServeConfig;
  try {
    cfg = configOf();
  } catch (err) {
    io.err(errorLine(err));
    return Promise.resolve(EXIT.USAGE);
  }
  if (cfg.workers > 1) return runServePrimary(io, cfg);
  return runHost(io, () => cfg, startSwitch, ['serve.stopped', 'switch stopped']);
}
