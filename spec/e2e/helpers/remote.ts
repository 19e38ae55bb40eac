// The remote issuer path end to end: a routes file (in a temporary folder) sending every card to a
// remote issuer `acme` on the ports of a running `isotrace issuer`, and the two link pairs the
// tests run on; serve and issuer started in-process (serve-harness: the real wiring over real
// sockets) or as child processes of the built CLI (child-serve). Test-only.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafEntries, type SafEntry } from '../../../src/saf/index.js';
import { auditRecords, type AuditRecord } from '../../helpers/audit-trail.js';
import { spawnIssuer, spawnServe, type JsonLine, type ServeChild } from '../../helpers/child-serve.js';
import { issuer, serve, type Resources, type Served } from '../../helpers/serve-harness.js';
import { builtinCodec } from '../../../src/codec/index.js';
import { Terminal, type TerminalOptions } from '../../helpers/terminal.js';

/** The issuer every route of the written routes file names. */
export const ISSUER = 'acme';

/** One terminal side and one issuer link, as the routes file and both hosts' flags spell them. */
export interface LinkPair {
  readonly name: string;
  /** The issuer link: its definition's spec and framing, and `isotrace issuer`'s flags for them. */
  readonly link: { readonly spec: string; readonly framing: string };
  /** The definition's traceField and the same place as `--trace-field`. */
  readonly traceField: number | { de: number; tag: string };
  readonly traceFlag: string;
  /** The DE the trace context travels in on the link. */
  readonly traceDe: number;
  /** serve's flags for its terminals, and the test terminal's framing. */
  readonly terminal: { readonly spec: string; readonly framing: string; readonly header?: string };
  readonly terminalOptions: TerminalOptions;
}

export const PAIRS: readonly LinkPair[] = [
  {
    name: 'iso87ascii terminal -> iso87binary/binary2 issuer, trace in DE 63',
    link: { spec: 'iso87binary', framing: 'binary2' }, traceField: 63, traceFlag: '63', traceDe: 63,
    terminal: { spec: 'iso87ascii', framing: 'ascii4' }, terminalOptions: {},
  },
  {
    name: 'iso87pos terminal with TPDU -> iso87ascii/ascii4 issuer, trace in DE 48 TP',
    link: { spec: 'iso87ascii', framing: 'ascii4' }, traceField: { de: 48, tag: 'TP' }, traceFlag: '48:TP', traceDe: 48,
    terminal: { spec: 'iso87pos', framing: 'binary2', header: 'tpdu' }, terminalOptions: { framing: 'binary2', header: 'tpdu' },
  },
];

/** A terminal of `pair` (its spec and framing) connected to serve on `port`, closed when `resources` run. */
export async function pairTerminal(resources: Resources, pair: LinkPair, port: number): Promise<Terminal> {
  const t = await Terminal.connect(port, builtinCodec(pair.terminal.spec), pair.terminalOptions);
  resources.add(() => t.close());
  return t;
}

/** A new temporary folder, removed when `resources` run. */
export function tempDir(resources: Resources, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `isotrace-${prefix}-`));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A TCP port nothing listens on (bound, then closed): a dead endpoint, or a port to restart an issuer on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Writes a routes file sending every BIN to `acme` on `ports` (in failover order), with `pair`'s
 * link and `def` over the definition's keys; returns its path.
 */
export function writeRemoteRoutes(dir: string, pair: LinkPair, ports: readonly number[], def: Record<string, unknown> = {}): string {
  const path = join(dir, 'routes.json');
  const acme = {
    endpoints: ports.map((p) => `tcp://127.0.0.1:${p}`), ...pair.link, connections: 1, timeoutMs: 2000,
    signOn: true, matchKey: [41, 11], traceField: pair.traceField, acquirerId: '4000001', ...def,
  };
  writeFileSync(path, JSON.stringify({ issuers: { [ISSUER]: acme }, routes: [{ range: ['000000', '999999'], issuer: ISSUER }] }));
  return path;
}

/** serve's flags for `pair`'s terminals (commander's camelCase). */
export function terminalFlags(pair: LinkPair): Record<string, string> {
  return { ...pair.terminal };
}

/** `isotrace issuer`'s flags for `pair`'s link. */
export function issuerFlags(pair: LinkPair): Record<string, string> {
  return { ...pair.link, traceField: pair.traceFlag };
}

/** Flags as command-line arguments: `{ dropRate: 1 }` -> `--drop-rate 1`. */
export function argsOf(flags: Record<string, unknown>): string[] {
  return Object.entries(flags).flatMap(([k, v]) => [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(v)]);
}

export interface InProcessRemote {
  issuer: Served | null;
  serve: Served;
  safDir: string;
}

export interface RemoteOptions {
  /** Further flags of `isotrace issuer` (fault injection). */
  issuer?: Record<string, unknown>;
  /** Further keys of acme's definition. */
  def?: Record<string, unknown>;
  /** Further flags of serve. */
  serve?: Record<string, unknown>;
  /** acme's endpoints: default the issuer's port alone. */
  ports?: (issuerPort: number | null) => number[];
  /** Start no issuer (acme's endpoint is a closed port unless `ports` says otherwise). */
  noIssuer?: boolean;
  /** serve's --saf-dir: default a new one. */
  safDir?: string;
}

/**
 * `isotrace issuer` and serve in-process for `pair`, serve routing every card to it; resolves once
 * acme's link is up (unless no issuer runs).
 */
export async function startRemote(resources: Resources, pair: LinkPair, o: RemoteOptions = {}): Promise<InProcessRemote> {
  const host = o.noIssuer === true ? null : await issuer(resources, { ...issuerFlags(pair), ...o.issuer });
  const ports = o.ports?.(host?.port ?? null) ?? [host?.port ?? (await closedPort())];
  const dir = tempDir(resources, 'remote');
  const safDir = o.safDir ?? join(dir, 'saf');
  const routes = writeRemoteRoutes(dir, pair, ports, o.def);
  const sw = await serve(resources, { ...terminalFlags(pair), routes, safDir, ...o.serve });
  if (host !== null) await sw.log.next('link.up');
  return { issuer: host, serve: sw, safDir };
}

/** What the queue in `dir` owes (read as `isotrace saf list` does, without the lock). */
export function owed(dir: string): Promise<SafEntry[]> {
  return readSafEntries(dir);
}

/** Polls `check` every 20 ms until it returns a value other than undefined; `what` names it when the test times out. */
export async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The audit records in `dir` whose request MTI is a reversal advice (0420 or its repeat 0421). */
export async function adviceRecords(dir: string): Promise<AuditRecord[]> {
  return (await auditRecords(dir)).filter((r) => r.request.mti === '0420' || r.request.mti === '0421');
}

/** A child `isotrace issuer` for `pair` with its audit log in `auditDir`, on `port` (default: any free one). */
export function spawnRemoteIssuer(resources: Resources, pair: LinkPair, auditDir: string, flags: Record<string, unknown> = {}, port = 0): Promise<ServeChild> {
  return spawnIssuer(resources, argsOf({ ...issuerFlags(pair), auditDir, ...flags, port }));
}

/**
 * A child `isotrace serve` for `pair`'s terminals, routing to `routes`, its queue in `safDir`, with
 * further `flags`; resolves once acme's link is up.
 */
export async function spawnRemoteServe(resources: Resources, pair: LinkPair, routes: string, safDir: string, auditDir: string, flags: Record<string, unknown> = {}): Promise<ServeChild> {
  const child = await spawnServe(resources, argsOf({ ...terminalFlags(pair), routes, safDir, auditDir, ...flags }));
  await child.next('link.up');
  return child;
}

/** The `nth` line of `child` with this `evt`, logged or still to come. */
export function nthLine(child: ServeChild, evt: string, nth: number): Promise<JsonLine> {
  return until(`${nth} ${evt} line(s)`, () => child.lines.filter((l) => l.evt === evt)[nth - 1]);
}

/** SIGTERM to `child` (it drains, flushes its audit log and exits 0); resolves once it exited. */
export async function stopChild(child: ServeChild): Promise<void> {
  child.child.kill('SIGTERM');
  const [code] = await child.exited;
  if (code !== 0) throw new Error(`exited ${String(code)}: ${child.stderr()}`);
}

/** The trace id of a W3C traceparent. */
export function traceIdOf(traceparent: string | null): string {
  return traceparent?.split('-')[1] ?? '';
}
