// The switch as a running host: codec, issuer stub, duplicate cache and originals, the TCP server,
// the audit journal (and its LOCK) and trace export, started and stopped as one. `serve` runs it
// with its routes file; `issuer` with every card routed to the stub and the caller's trace continued.

import { closeSync, openSync } from 'node:fs';
import { AuditLock } from '../audit/index.js';
import { SpecError, type Codec, type FieldPath, type IsoMessage } from '../codec/index.js';
import { RemoteIssuer, STUB_ISSUER, StubIssuer, loadCards } from '../issuer/index.js';
import type { AdviceQueue } from '../saf/index.js';
import { ConfigError, type IssuerBackend, type Logger } from '../common/index.js';
import { BinTable, DuplicateCache, OriginalsTable, Switch, dialectOf, type SwitchEnv } from '../switch/index.js';
import { JournalThread, resolveJournalOptions, type JournalThreadOptions } from '../journal/index.js';
import { AdminServer, HostMetrics } from '../metrics/index.js';
import { Store, openSharedState, txnLogConnectionOf, type SharedState } from '../store/index.js';
import { NOOP_TRACE_SINK, createOtlpSink, type TraceSink } from '../trace/index.js';
import { FrameServer, drainOnSignals, type ConnectionContext, type FrameHandler, type FrameHeader } from '../transport/index.js';
import { openAdviceQueue } from './advice-queue-host.js';
import { readJsonFile } from './config.js';
import { EXIT, errorLine, type ExitCode, type Io } from './io.js';
import { onHangup } from './hangup.js';
import { packageVersion } from './package-info.js';
import { createLogger } from './logger.js';
import { readServerTls, reloadServerTls } from './tls-files.js';
import type { BackendContext } from './issuer-backends.js';
import type { ServeConfig } from './serve-config.js';
import { loadCodec } from './spec-loader.js';

/** Where hosts log unless --log-file names a file: standard output. */
const STDOUT_FD = 1;
/** The module whose createLogger makes the journal thread's own logger. */
const LOG_MODULE = new URL('./logger.js', import.meta.url).href;

/** The options a host runs with: those serve and issuer share. */
export type HostConfig = Pick<ServeConfig, 'spec' | 'cards' | 'header' | 'logLevel' | 'logFile' | 'issuerTimeoutMs' | 'duplicateWindowMs' | 'server' | 'audit' | 'otlp' | 'adminPort' | 'adminHost' | 'service'> & Partial<Pick<ServeConfig, 'safDir' | 'safKeyFile' | 'tls' | 'store' | 'nodeId'>> & {
  /** A worker of `serve --workers`: with adminPort set it keeps its metrics, and the primary serves them (it binds no admin port). */
  readonly isAdminInPrimary?: boolean;
};

/** What differs between the hosts, decided once the spec is loaded (so that a bad spec is reported first). */
export interface HostRouting {
  routes: BinTable;
  /** Where the routes came from, for errors: `routes fixtures/routes.json`. */
  routesSource: string;
  /** Where requests carry the caller's traceparent; null: every transaction starts its own trace. */
  traceField: FieldPath | null;
  /** The issuer names routes may use (checked before anything is bound); absent: the stub alone. */
  issuerNames?: ReadonlySet<string>;
  /** Some issuer is remote: the store-and-forward queue (cfg.safDir) is opened for it. */
  usesSaf?: boolean;
  /**
   * Each issuer's backend by name, built once the port is bound and the journal open (remote
   * links connect, advices owed are delivered); absent: the stub alone. Closed with the host.
   */
  backends?(ctx: BackendContext): Map<string, IssuerBackend<IsoMessage>>;
}

export interface HostParts {
  /** The routing, from the loaded codec. @throws ConfigError for what does not fit the spec. */
  routing(codec: Codec): HostRouting;
  /**
   * Wraps the switch's frame handler (reversal order, fault injection); `endConnection` ends a
   * connection once its answers in flight are out; `codec`: the host's. Absent: the switch answers as is.
   */
  wrapHandler?(handler: FrameHandler, endConnection: (ctx: ConnectionContext) => void, codec: Codec): FrameHandler;
}

export interface RunningSwitch {
  server: FrameServer;
  switch: Switch;
  codec: Codec;
  /** The admin HTTP listener (/metrics, /healthz, /readyz); null when adminPort is unset or isAdminInPrimary. */
  admin: AdminServer | null;
  /** The host's metrics and readiness; null when adminPort is unset. */
  metrics: HostMetrics | null;
  /** Stops accepting, finishes in-flight work (drainTimeoutMs), closes the audit log and its lock, flushes traces (at most 2 s); resolves when done. */
  stop(): Promise<void>;
  /** The journal thread writes its txn.done lines to a log file (logDest a path): it opens the path again (SIGHUP, logrotate). */
  reopenLog(): void;
  /** Rereads the remote issuer links' TLS files (SIGHUP) for their next connections; absent: no link speaks TLS. */
  reloadIssuerTls?: (() => void) | undefined;
}

/** The journal's options with the audit trail in the store's transaction log, on this node's chain. */
function journalOnStore(options: JournalThreadOptions, store: Store): JournalThreadOptions {
  return { ...options, store: { connection: txnLogConnectionOf(store), nodeId: store.nodeId } };
}

/**
 * The server's frame handler, bound before the switch exists: the port is bound first, and frames
 * that arrive before open() (start-up only) are copied and wait for it; with open(null) (start-up
 * failed) they get no answer.
 */
function switchGate(): { handler: FrameHandler; open(sw: Switch | null): void } {
  let sw: Switch | null = null;
  let onOpen: () => void = () => {};
  const opened = new Promise<void>((resolve) => (onOpen = resolve));
  // The transport's ConnectionContext is the switch's ConnectionInfo as it is: no object per message.
  const handle = (s: Switch, frame: Buffer, conn: ConnectionContext): Promise<Buffer | null> => s.handle(frame, conn);
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

/**
 * Builds and starts a host, logging to `logger`. `logDest`: the fd or file `logger` writes to, when
 * it is the process's pino logger: the journal thread then writes txn.done lines there itself; null
 * sends them back through `logger`. Nothing stays open when it throws.
 * @throws ConfigError, SpecError for bad options or files; ConnectionError SERVER_LISTEN_FAILED;
 *   AuditError AUDIT_LOCKED, AUDIT_OPEN_FAILED (and as AuditWriter.open).
 */
export async function startHost(cfg: HostConfig, parts: HostParts, logger: Logger, logDest: number | string | null): Promise<RunningSwitch> {
  // Everything is checked before anything is bound or written; then the port is bound before the
  // audit directory is locked and opened, so that a host that cannot listen touches no file.
  const codec = loadCodec(cfg.spec);
  const routing = parts.routing(codec);
  const { routes, routesSource, traceField } = routing;
  const names = routing.issuerNames ?? new Set([STUB_ISSUER]);
  for (const name of routes.issuers) {
    if (!names.has(name)) throw new ConfigError(routesSource, `issuer "${name}" is not available (available: ${[...names].join(', ')})`);
  }
  const cards = loadCards(readJsonFile(cfg.cards, 'cards'), cfg.cards);
  /** Filled once the host runs (the stub, the store's or the in-memory one, then the routes' backends); the switch reads it per transaction. */
  const issuers = new Map<string, IssuerBackend<IsoMessage>>();
  let saf: AdviceQueue | null = null;
  /** Every backend once (the stub may stand behind several names), then the queue their advices are in. */
  const closeIssuers = async (): Promise<void> => {
    await Promise.all([...new Set(issuers.values())].map((b) => b.close()));
    await saf?.close();
  };
  /** The switch's environment but its duplicate and originals state, which is the store's with --store. */
  const switchEnv: Omit<SwitchEnv, 'duplicates' | 'originals'> = {
    codec,
    dialect: dialectOf(codec.spec),
    routes,
    issuers,
    issuerTimeoutMs: cfg.issuerTimeoutMs,
    logger,
    onFormatError: (c) => server.reportFormatError(c as ConnectionContext), // only ever called with the server's own
    traceField,
  };
  const gate = switchGate();
  const header: FrameHeader = cfg.header ?? (codec.spec.header === 'tpdu' ? 'tpdu' : 'none');
  const handler = parts.wrapHandler?.(gate.handler, (ctx) => server.endConnection(ctx), codec) ?? gate.handler;
  const tls = cfg.tls == null ? null : readServerTls(cfg.tls);
  const server = new FrameServer(handler, { ...cfg.server, header, logger, tls });
  // Metrics only with the admin listener: without it the switch and the journal count nothing.
  const metrics = cfg.adminPort === null ? null : new HostMetrics(server);
  const admin = metrics === null || cfg.isAdminInPrimary === true ? null : new AdminServer({ host: cfg.adminHost, port: cfg.adminPort!, source: metrics, logger });
  // Checked by the config already; resolving adds the journal's own (log module and destination) once.
  const journalOptions: JournalThreadOptions = { ...cfg.audit, logger, logDest, logLevel: cfg.logLevel, logModule: LOG_MODULE, logService: cfg.service, batchStats: metrics?.batchStats ?? null };
  const journal = resolveJournalOptions(journalOptions);
  let lock: AuditLock | null = null;
  /** The PostgreSQL store (--store): opened once the port is bound; null without --store. */
  let store: Store | null = null;
  /** The switch's state on the store (duplicates, originals, the stub's ledger); null without --store. */
  let shared: SharedState | null = null;
  const releaseAtExit = (): void => lock?.release();
  let audit: JournalThread | undefined;
  let sw: Switch | undefined;
  try {
    await server.listen();
    await admin?.listen();
    if (typeof cfg.store === 'string') store = await Store.open({ url: cfg.store, nodeId: cfg.nodeId ?? null, version: packageVersion(), logger });
    // --store: duplicate claims, originals and the stub's balances and holds are shared by every node.
    if (store !== null) shared = await openSharedState(store, { codec, cards, cardsSource: cfg.cards, windowMs: cfg.duplicateWindowMs, logger });
    const stub: IssuerBackend<IsoMessage> = shared?.stub ?? new StubIssuer(cards);
    issuers.set(stub.name, stub);
    // With the store, the audit trail is its transaction log: no audit directory, no LOCK.
    if (store === null) {
      lock = AuditLock.acquire(journal.audit.dir, logger);
      process.on('exit', releaseAtExit);
    }
    audit = await JournalThread.open(store === null ? journal : journalOnStore(journalOptions, store));
    if (routing.backends !== undefined) {
      // The queue of reversal advices: the store's with --store (shared by every node), else --saf-dir's.
      saf = routing.usesSaf === true ? await openAdviceQueue(cfg, store, logger) : null;
      const built = routing.backends({
        stub, terminal: codec, issuerTimeoutMs: cfg.issuerTimeoutMs, logger, saf,
        onAdviceDelivered: (advice) => void sw?.recordAdvice(advice),
      });
      for (const [name, backend] of built) issuers.set(name, backend);
    }
  } catch (err) {
    await audit?.close().catch(() => {});
    gate.open(null);
    await server.close();
    await admin?.close();
    metrics?.close();
    releaseAtExit();
    process.off('exit', releaseAtExit);
    await closeIssuers();
    await shared?.close();
    await store?.close();
    throw err;
  }
  const traces: TraceSink = cfg.otlp === null ? NOOP_TRACE_SINK : createOtlpSink({ ...cfg.otlp, logger });
  const state = shared ?? { duplicates: new DuplicateCache({ windowMs: cfg.duplicateWindowMs }), originals: new OriginalsTable() };
  sw = new Switch({ ...switchEnv, duplicates: state.duplicates, originals: state.originals, metrics: metrics?.txn ?? null }, traces, audit);
  gate.open(sw);
  const journalThread = audit;
  const remotes = [...new Set(issuers.values())].filter((b): b is RemoteIssuer => b instanceof RemoteIssuer);
  metrics?.attach({ switch: sw, journal: journalThread, issuers: remotes, saf, store });
  return {
    server,
    switch: sw,
    codec,
    admin,
    metrics,
    async stop() {
      await server.drain();
      // Issuers first: an advice in flight may still be acknowledged, and audited.
      await closeIssuers();
      await journalThread.close(); // the writer logs audit.closed, with the chain's head
      await shared?.close();
      await store?.close();
      // Until here /readyz answered 503 (not listening): the admin listener goes last.
      await admin?.close();
      metrics?.close();
      releaseAtExit();
      process.off('exit', releaseAtExit);
      await traces.shutdown();
    },
    reopenLog() {
      journalThread.reopenLog();
    },
  };
}

/** Codes of start-up failures the person running the host fixes: a port in use, a directory locked or unusable. */
const USAGE_CODES: ReadonlySet<string> = new Set([
  'SERVER_LISTEN_FAILED', 'STORE_SCHEMA_NEWER', 'STORE_NODE_IN_USE', 'AUDIT_LOCKED', 'AUDIT_OPEN_FAILED', 'SAF_LOCKED', 'SAF_OPEN_FAILED', 'SAF_KEY_MISSING', 'SAF_KEY_INVALID', 'SAF_BAD_LOG',
]);

/** Start-up failures the person running the host fixes in its options or environment: exit 2. */
function isStartUsageProblem(err: unknown): boolean {
  if (err instanceof ConfigError || err instanceof SpecError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && USAGE_CODES.has(code);
}

/**
 * Opens --log-file for append once, before anything starts, so that a path that cannot be written
 * is one line at start-up rather than a failure of the logger later.
 * @throws ConfigError naming logFile, the path and the system's error code.
 */
export function checkLogFile(path: string | null): void {
  if (path === null) return;
  try {
    closeSync(openSync(path, 'a'));
  } catch (err) {
    throw new ConfigError('logFile', `cannot open ${path} for append (${(err as { code?: string }).code ?? 'error'})`, { cause: err });
  }
}

/**
 * Runs a host from the command line: its configuration (a bad one: one line, exit 2), the process's
 * logger on standard output, `start`, then until SIGTERM or SIGINT drains it and logs `stopped`
 * (`[evt, msg]`); resolves with the exit code.
 */
export async function runHost<C extends HostConfig>(
  io: Io, configOf: () => C, start: (cfg: C, logger: Logger, logDest: number | string) => Promise<RunningSwitch>, stopped: readonly [evt: string, msg: string],
): Promise<ExitCode> {
  let cfg: C;
  try {
    cfg = configOf();
  } catch (err) {
    io.err(errorLine(err));
    return EXIT.USAGE;
  }
  const logDest = cfg.logFile ?? STDOUT_FD;
  try {
    checkLogFile(cfg.logFile);
  } catch (err) {
    io.err(errorLine(err));
    return EXIT.USAGE;
  }
  const { logger, flush, reopen } = createLogger(cfg.logLevel, logDest, false, cfg.service);
  let running: RunningSwitch;
  try {
    running = await start(cfg, logger, logDest);
  } catch (err) {
    flush();
    io.err(errorLine(err));
    return isStartUsageProblem(err) ? EXIT.USAGE : EXIT.INVALID;
  }
  // logrotate moves the file, then sends SIGHUP: both writers open the path again (on stdout they
  // do nothing). Registered either way, so that a stray SIGHUP never ends the switch undrained.
  const stopReopening = onHangup(() => {
    reopen();
    running.reopenLog();
  });
  const tlsFiles = cfg.tls ?? null;
  const stopReloading = tlsFiles === null ? () => {} : onHangup(() => reloadServerTls(running.server, tlsFiles, logger));
  const reloadLinks = running.reloadIssuerTls;
  const stopReloadingLinks = reloadLinks === undefined ? () => {} : onHangup(reloadLinks);
  return new Promise((resolve) => {
    drainOnSignals({ drain: () => running.stop() }, () => {
      stopReopening();
      stopReloading();
      stopReloadingLinks();
      logger.info({ evt: stopped[0] }, stopped[1]);
      flush();
      resolve(EXIT.OK);
    }, logger);
  });
}
