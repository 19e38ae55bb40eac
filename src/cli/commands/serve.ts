// `isotrace serve`: the composition root of the switch. Resolves and checks the configuration,
// builds the logger, codec, routes and issuers, tracing and the TCP server, and drains on SIGTERM/SIGINT.

import { AuditLock } from '../../audit/index.js';
import { SpecError, type IsoMessage } from '../../codec/index.js';
import { StubIssuer, loadCards } from '../../issuer/index.js';
import { ConfigError, type IssuerBackend, type Logger } from '../../shared/index.js';
import { DuplicateCache, OriginalsTable, Switch, dialectOf, type ConnectionInfo, type SwitchEnv } from '../../switch/index.js';
import { JournalThread, resolveJournalOptions } from '../../journal/index.js';
import { NOOP_TRACE_SINK, createOtlpSink, type TraceSink } from '../../trace/index.js';
import { FrameServer, drainOnSignals, type ConnectionContext, type FrameHandler, type FrameHeader } from '../../transport/index.js';
import { readJsonFile } from '../config.js';
import { EXIT, errorLine, type ExitCode, type Io } from '../io.js';
import { issuerBackends } from '../issuer-backends.js';
import { createLogger } from '../logger.js';
import { loadRoutesFile } from '../routes-file.js';
import { serveConfig, type ServeConfig } from '../serve-config.js';
import { loadCodec } from '../spec-loader.js';

/** The switch's view of a connection, with the transport's, for counting its format errors. */
interface ServedConnection extends ConnectionInfo {
  ctx: ConnectionContext;
}

/** Where serve logs: standard output. */
const LOG_FD = 1;
/** The module whose createLogger makes the journal thread's own logger, on LOG_FD. */
const LOG_MODULE = new URL('../logger.js', import.meta.url).href;

/**
 * The server's frame handler, bound before the switch exists: the port is bound first, and frames
 * that arrive before open() (start-up only) are copied and wait for it; with open(null) (start-up
 * failed) they get no answer.
 */
function switchGate(): { handler: FrameHandler; open(sw: Switch | null): void } {
  let sw: Switch | null = null;
  let onOpen: () => void = () => {};
  const opened = new Promise<void>((resolve) => (onOpen = resolve));
  const handle = (s: Switch, frame: Buffer, conn: ConnectionContext): Promise<Buffer | null> => {
    const info: ServedConnection = { connId: conn.connId, remote: `${conn.remoteAddress}:${conn.remotePort}`, ctx: conn };
    return s.handle(frame, info);
  };
  const later = async (frame: Buffer, conn: ConnectionContext): Promise<Buffer | null> => {
    await opened;
    return sw === null ? null : handle(sw, frame, conn);
  };
  return {
    handler: (frame, conn) => (sw === null ? later(Buffer.from(frame), conn) : handle(sw, frame, conn)),
    open(ready) {
      sw = ready;
      onOpen();
    },
  };
}

export interface RunningSwitch {
  server: FrameServer;
  switch: Switch;
  /** Stops accepting, finishes in-flight work (drainTimeoutMs), closes the audit log and its lock, flushes traces (at most 2 s); resolves when done. */
  stop(): Promise<void>;
}

/**
 * Builds and starts everything `serve` runs, logging to `logger`. `logFd`: the fd `logger` writes
 * to, when it is the process's pino logger: the journal thread then writes txn.done lines there
 * itself; null sends them back through `logger`. Nothing stays open when it throws.
 * @throws ConfigError, SpecError for bad options or files; ConnectionError SERVER_LISTEN_FAILED;
 *   AuditError AUDIT_LOCKED, AUDIT_OPEN_FAILED (and as AuditWriter.open).
 */
export async function startSwitch(cfg: ServeConfig, logger: Logger, logFd: number | null = null): Promise<RunningSwitch> {
  // Everything is checked before anything is bound or written; then the port is bound before the
  // audit directory is locked and opened, so that a switch that cannot listen touches no file.
  const codec = loadCodec(cfg.spec);
  const { routes, issuers: definitions, issuerCodecs } = loadRoutesFile(cfg.routes);
  const stub = new StubIssuer(loadCards(readJsonFile(cfg.cards, 'cards'), cfg.cards));
  let issuers: Map<string, IssuerBackend<IsoMessage>>;
  try {
    issuers = issuerBackends(definitions, issuerCodecs, stub);
  } catch (err) {
    await stub.close();
    throw err;
  }
  const switchEnv: SwitchEnv = {
    codec,
    dialect: dialectOf(codec.spec),
    routes,
    issuers,
    duplicates: new DuplicateCache({ windowMs: cfg.duplicateWindowMs }),
    originals: new OriginalsTable(),
    issuerTimeoutMs: cfg.issuerTimeoutMs,
    logger,
    onFormatError: (c) => server.reportFormatError((c as ServedConnection).ctx),
  };
  // Checked by ServeConfig already; resolving adds the journal's own (log module and fd) once.
  const journal = resolveJournalOptions({ ...cfg.audit, logger, logFd, logLevel: cfg.logLevel, logModule: LOG_MODULE });
  const gate = switchGate();
  const header: FrameHeader = cfg.header ?? (codec.spec.header === 'tpdu' ? 'tpdu' : 'none');
  const server = new FrameServer(gate.handler, { ...cfg.server, header, logger });
  let lock: AuditLock | null = null;
  const releaseAtExit = (): void => lock?.release();
  let audit: JournalThread;
  try {
    await server.listen();
    lock = AuditLock.acquire(journal.audit.dir, logger);
    process.on('exit', releaseAtExit);
    audit = await JournalThread.open(journal);
  } catch (err) {
    gate.open(null);
    await server.close();
    releaseAtExit();
    process.off('exit', releaseAtExit);
    await stub.close();
    throw err;
  }
  const traces: TraceSink = cfg.otlp === null ? NOOP_TRACE_SINK : createOtlpSink({ ...cfg.otlp, logger });
  const sw = new Switch(switchEnv, traces, audit);
  gate.open(sw);
  logger.info({ evt: 'serve.ready', spec: codec.name, routes: cfg.routes, cards: cfg.cards, otlp: cfg.otlp !== null, audit_dir: cfg.audit.dir, audit_mode: cfg.audit.mode, audit_keyed: cfg.audit.key !== null }, 'switch ready');
  return {
    server,
    switch: sw,
    async stop() {
      await server.drain();
      await audit.close(); // the writer logs audit.closed, with the chain's head
      releaseAtExit();
      process.off('exit', releaseAtExit);
      await traces.shutdown();
      await stub.close();
    },
  };
}

/** Start-up failures the person running serve fixes in its options or environment: exit 2. */
function isUsageProblem(err: unknown): boolean {
  if (err instanceof ConfigError || err instanceof SpecError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SERVER_LISTEN_FAILED' || code === 'AUDIT_LOCKED' || code === 'AUDIT_OPEN_FAILED';
}

/** Runs the switch until SIGTERM or SIGINT; resolves with the exit code after the drain. */
export async function runServe(flags: Record<string, unknown>, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  let cfg: ServeConfig;
  try {
    cfg = serveConfig(flags, env);
  } catch (err) {
    io.err(errorLine(err));
    return EXIT.USAGE;
  }
  const { logger, flush } = createLogger(cfg.logLevel, LOG_FD);
  let running: RunningSwitch;
  try {
    running = await startSwitch(cfg, logger, LOG_FD);
  } catch (err) {
    flush();
    io.err(errorLine(err));
    return isUsageProblem(err) ? EXIT.USAGE : EXIT.INVALID;
  }
  return new Promise((resolve) => {
    drainOnSignals({ drain: () => running.stop() }, () => {
      logger.info({ evt: 'serve.stopped' }, 'switch stopped');
      flush();
      resolve(EXIT.OK);
    }, logger);
  });
}
