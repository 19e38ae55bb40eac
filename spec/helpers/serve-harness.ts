// Starts the real `serve` wiring in-process (serveConfig + startSwitch, as `isotrace serve` does; or
// `isotrace issuer`'s, issuerConfig + startIssuer) on
// 127.0.0.1:0 with every log line collected at trace level and its audit log in a temporary
// directory (removed with the switch's resources), and connects test terminals to it.
// Everything opened is registered in a Resources list that the test file runs in afterEach.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIssuer } from '../../src/cli/commands/issuer.js';
import { startSwitch, type RunningSwitch } from '../../src/cli/commands/serve.js';
import { issuerConfig } from '../../src/cli/issuer-options.js';
import { serveConfig } from '../../src/cli/serve-config.js';
import { builtinCodec, type Codec } from '../../src/codec/index.js';
import { LogCollector } from './log-collector.js';
import { Terminal, type TerminalOptions } from './terminal.js';

/** Closers registered as things are created, run last-first. */
export class Resources {
  #closers: Array<() => unknown> = [];

  add(close: () => unknown): void {
    this.#closers.push(close);
  }

  async run(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close();
  }
}

export interface Served {
  port: number;
  /** The audit directory of this switch: a fresh temporary one (removed with `resources`) unless the flags name one. */
  auditDir: string;
  running: RunningSwitch;
  log: LogCollector;
  codec: Codec;
  /** A terminal connected to this switch, closed after the test. */
  terminal(options?: TerminalOptions): Promise<Terminal>;
  /** Drains the server and flushes traces; safe to call twice. */
  stop(): Promise<void>;
}

/** A new temporary directory, removed when `resources` run (after anything added later, such as the switch's stop). */
export function tempAuditDir(resources: Resources): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-audit-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** How a host command resolves its configuration and starts (serveConfig and startSwitch, issuerConfig and startIssuer). */
interface HostCommand<C extends { logLevel: string; spec: string }> {
  configOf(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): C;
  start(cfg: C, logger: LogCollector): Promise<RunningSwitch>;
}

async function host<C extends { logLevel: string; spec: string }>(command: HostCommand<C>, resources: Resources, flags: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<Served> {
  const auditDir = typeof flags.auditDir === 'string' ? flags.auditDir : tempAuditDir(resources);
  const cfg = command.configOf({ host: '127.0.0.1', port: 0, logLevel: 'trace', auditDir, ...flags }, env);
  const log = new LogCollector(cfg.logLevel);
  const running = await command.start(cfg, log);
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => (stopped ??= running.stop());
  resources.add(stop);
  const codec = builtinCodec(cfg.spec);
  return {
    port: running.server.address!.port,
    auditDir,
    running,
    log,
    codec,
    stop,
    async terminal(options: TerminalOptions = {}) {
      const t = await Terminal.connect(running.server.address!.port, codec, options);
      resources.add(() => t.close());
      return t;
    },
  };
}

/**
 * The switch as `isotrace serve` builds it, with `flags` as commander would pass them (camelCase)
 * over host 127.0.0.1, port 0 and log level trace (cards and routes: serve's defaults, the fixtures).
 */
export function serve(resources: Resources, flags: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Promise<Served> {
  return host({ configOf: serveConfig, start: startSwitch }, resources, flags, env);
}

/** `isotrace issuer` as it builds itself, with `flags` as for serve (cards: the fixtures). */
export function issuer(resources: Resources, flags: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Promise<Served> {
  return host({ configOf: issuerConfig, start: startIssuer }, resources, flags, env);
}
