// Issuer definitions: the `issuers` object of the routes file, beside its `routes`, parsed and
// checked once into frozen IssuerDefinitions (stub or remote), then checked against the issuer's
// spec once the CLI has loaded it. Reads no file; throws only ConfigError, naming the issuer, the
// key and what is allowed.

import { ConfigError, checkBoolean, checkInteger, checkKnownKeys, checkOneOf } from '../common/index.js';
import type { Codec } from '../codec/index.js';
import { DEFAULT_CLIENT_OPTIONS } from '../link/index.js';
import { FRAME_HEADERS, FRAMINGS, parseTpdu, type FrameHeader, type Framing } from '../transport/index.js';

/** The in-process issuer stub's name: defined implicitly, routable without an `issuers` entry. */
export const STUB_ISSUER = 'stub';

/** Where the switch writes the trace context on a link: a whole DE, or a tagged subelement of one. */
export interface TraceField {
  /** DE number, 2..192. */
  readonly de: number;
  /** The subelement's tag (1 to 4 letters or digits, e.g. `TP` in DE 48); null: the whole field. */
  readonly tag: string | null;
}

/** One host of a remote issuer, from `tcp://host:port`. */
export interface IssuerEndpoint {
  /** As written in the routes file, for logs. */
  readonly url: string;
  /** Host name or IP address (an IPv6 address without its brackets). */
  readonly host: string;
  readonly port: number;
}

/** TLS on an issuer's links: PEM file paths (the CLI reads them), each null when not given. */
export interface IssuerTls {
  /** The CA the issuer's certificate must chain to; null: Node's built-in root CAs. */
  readonly ca: string | null;
  /** The switch's client certificate and key, for an issuer that asks for one; both or neither. */
  readonly cert: string | null;
  readonly key: string | null;
  /** The name the issuer's certificate must carry; null: the endpoint's host. */
  readonly serverName: string | null;
}

/** An issuer answered in-process by the stub and its cards. */
export interface StubIssuerDefinition {
  readonly type: 'stub';
  readonly name: string;
}

/** An issuer host reached over ISO 8583 links. docs/issuers.md documents each key. */
export interface RemoteIssuerDefinition {
  readonly type: 'remote';
  readonly name: string;
  /** In failover order: the first is used while it answers. */
  readonly endpoints: readonly IssuerEndpoint[];
  /** A built-in spec name or a JSON spec file path, as --spec takes (loaded and checked by the CLI). */
  readonly spec: string;
  readonly framing: Framing;
  /** null: the spec's usual header (`tpdu` for iso87pos, else `none`), as serve's --header. */
  readonly header: FrameHeader | null;
  /** The TPDU sent with the `tpdu` header, 10 hex digits. */
  readonly tpdu: string;
  /** Links (connections) kept open to the issuer. */
  readonly connections: number;
  /** How long the issuer may take, ms; null: the switch's --issuer-timeout-ms. */
  readonly timeoutMs: number | null;
  /** Send an 0800 sign-on (DE 70 001) on each new link before using it. */
  readonly signOn: boolean;
  /** Send an echo (0800 DE 70 301) after this long without traffic, ms; 0: never. */
  readonly echoIntervalMs: number;
  /** DE numbers whose values (with the MTI class) match an answer to its request. */
  readonly matchKey: readonly number[];
  /** Where the trace context travels; null: none is sent. */
  readonly traceField: TraceField | null;
  /** DE 32 (acquiring institution) when a request carries none; null: left out. */
  readonly acquirerId: string | null;
  /** DE 33 (forwarding institution): the switch's own ID on this link, when a request carries none; null: left out. */
  readonly institutionId: string | null;
  /** `drop`: DE 52 and 53 never cross (a PIN block needs translation to the issuer's key); `forward`: as received. */
  readonly pinBlock: PinBlockRule;
  /** Speak TLS 1.2+ on the links; null: plain TCP. */
  readonly tls: IssuerTls | null;
}

export type IssuerDefinition = StubIssuerDefinition | RemoteIssuerDefinition;

export const PIN_BLOCK_RULES = ['drop', 'forward'] as const;
export type PinBlockRule = (typeof PIN_BLOCK_RULES)[number];

export const ISSUER_TYPES = ['remote', 'stub'] as const;

/** The default of every optional key of a remote issuer (docs/issuers.md). */
export const DEFAULT_REMOTE_ISSUER = Object.freeze({
  type: 'remote',
  framing: DEFAULT_CLIENT_OPTIONS.framing,
  header: null as FrameHeader | null,
  tpdu: '6000000000',
  connections: 1,
  timeoutMs: null as number | null,
  signOn: DEFAULT_CLIENT_OPTIONS.hasSignOn,
  echoIntervalMs: DEFAULT_CLIENT_OPTIONS.echoIntervalMs,
  matchKey: Object.freeze([41, 11]) as readonly number[],
  traceField: null as TraceField | null,
  acquirerId: null as string | null,
  institutionId: null as string | null,
  pinBlock: 'drop' as PinBlockRule,
  tls: null as IssuerTls | null,
});

/** The keys of a remote issuer: the required ones and every optional one. */
const REMOTE_KEYS = Object.freeze({ ...DEFAULT_REMOTE_ISSUER, endpoints: null, spec: null });
const RENAMED: Readonly<Record<string, string>> = Object.freeze({
  endpoint: 'endpoints', hasSignOn: 'signOn', timeout: 'timeoutMs', requestTimeoutMs: 'timeoutMs', echoInterval: 'echoIntervalMs',
  keyFields: 'matchKey', trace: 'traceField', acquirer: 'acquirerId', forwarderId: 'institutionId', forwardingId: 'institutionId', ssl: 'tls',
});

const DAY_MS = 86_400_000;
const MAX_CONNECTIONS = 64;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENDPOINT_RE = /^tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$/;
const INSTITUTION_RE = /^\d{1,11}$/;
const TAG_RE = /^[A-Za-z0-9]{1,4}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deNumber(path: string, v: unknown): number {
  return checkInteger(path, v, 2, 192);
}

function endpointsOf(path: string, v: unknown): readonly IssuerEndpoint[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(path, 'expected a non-empty list of "tcp://host:port"');
  return Object.freeze(v.map((url: unknown, i) => {
    const m = typeof url === 'string' ? ENDPOINT_RE.exec(url) : null;
    const port = m === null ? 0 : Number(m[2]);
    if (m === null || port < 1 || port > 65535) throw new ConfigError(`${path}[${i}]`, 'expected "tcp://host:port" with a port in 1..65535, e.g. "tcp://127.0.0.1:9100"');
    return Object.freeze({ url: url as string, host: m[1].replace(/^\[|\]$/g, ''), port });
  }));
}

function matchKeyOf(path: string, v: unknown): readonly number[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(path, 'expected a non-empty list of DE numbers, e.g. [41, 11]');
  const des = v.map((de: unknown, i) => deNumber(`${path}[${i}]`, de));
  if (new Set(des).size !== des.length) throw new ConfigError(path, 'names a DE twice');
  return Object.freeze(des);
}

function traceFieldOf(path: string, v: unknown): TraceField {
  if (typeof v === 'number') return Object.freeze({ de: deNumber(path, v), tag: null });
  if (!isObject(v)) throw new ConfigError(path, 'expected a DE number such as 63, or { "de": 48, "tag": "TP" }');
  checkKnownKeys(path, v, { de: 0, tag: '' });
  const de = deNumber(`${path}.de`, v.de);
  if (typeof v.tag !== 'string' || !TAG_RE.test(v.tag)) throw new ConfigError(`${path}.tag`, 'expected a tag of 1 to 4 letters or digits, e.g. "TP"');
  return Object.freeze({ de, tag: v.tag });
}

const TLS_KEYS = Object.freeze({ ca: null, cert: null, key: null, serverName: null });

function tlsOf(path: string, v: unknown): IssuerTls {
  if (!isObject(v)) throw new ConfigError(path, 'expected an object such as { "ca": "issuer-ca.pem", "cert": "switch.pem", "key": "switch.key" }, or {} for TLS with the built-in root CAs');
  checkKnownKeys(path, v, TLS_KEYS);
  const text = (key: keyof typeof TLS_KEYS): string | null => {
    const value = v[key] ?? null;
    if (value !== null && (typeof value !== 'string' || value === '')) throw new ConfigError(`${path}.${key}`, key === 'serverName' ? 'expected a host name' : 'expected the path of a PEM file');
    return value as string | null;
  };
  const tls = Object.freeze({ ca: text('ca'), cert: text('cert'), key: text('key'), serverName: text('serverName') });
  if ((tls.cert === null) !== (tls.key === null)) throw new ConfigError(`${path}.${tls.cert === null ? 'cert' : 'key'}`, 'missing: a client certificate needs both cert and key');
  return tls;
}

function institutionOf(path: string, v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || !INSTITUTION_RE.test(v)) throw new ConfigError(path, 'expected an institution ID of 1 to 11 digits, as a string');
  return v;
}

function remoteIssuer(name: string, path: string, raw: Record<string, unknown>): RemoteIssuerDefinition {
  checkKnownKeys(path, raw, REMOTE_KEYS, RENAMED);
  const o: Record<string, unknown> = { ...DEFAULT_REMOTE_ISSUER, ...raw };
  if (raw.endpoints === undefined) throw new ConfigError(`${path}.endpoints`, 'missing: a remote issuer needs a list of "tcp://host:port"');
  const spec = o.spec;
  if (typeof spec !== 'string' || spec === '') throw new ConfigError(`${path}.spec`, 'expected a spec name (iso87ascii, iso87binary, ...) or a JSON spec file path');
  const header = o.header === null ? null : checkOneOf(`${path}.header`, o.header, FRAME_HEADERS);
  parseTpdu(`${path}.tpdu`, o.tpdu);
  return Object.freeze({
    type: 'remote',
    name,
    endpoints: endpointsOf(`${path}.endpoints`, o.endpoints),
    spec,
    framing: checkOneOf(`${path}.framing`, o.framing, FRAMINGS),
    header,
    tpdu: (o.tpdu as string).toUpperCase(),
    connections: checkInteger(`${path}.connections`, o.connections, 1, MAX_CONNECTIONS),
    timeoutMs: o.timeoutMs === null ? null : checkInteger(`${path}.timeoutMs`, o.timeoutMs, 1, 600_000),
    signOn: checkBoolean(`${path}.signOn`, o.signOn),
    echoIntervalMs: checkInteger(`${path}.echoIntervalMs`, o.echoIntervalMs, 0, DAY_MS),
    matchKey: o.matchKey === DEFAULT_REMOTE_ISSUER.matchKey ? DEFAULT_REMOTE_ISSUER.matchKey : matchKeyOf(`${path}.matchKey`, o.matchKey),
    traceField: o.traceField === null ? null : traceFieldOf(`${path}.traceField`, o.traceField),
    acquirerId: institutionOf(`${path}.acquirerId`, o.acquirerId),
    institutionId: institutionOf(`${path}.institutionId`, o.institutionId),
    pinBlock: checkOneOf(`${path}.pinBlock`, o.pinBlock, PIN_BLOCK_RULES),
    tls: o.tls === null ? null : tlsOf(`${path}.tls`, o.tls),
  });
}

function issuerOf(name: string, path: string, raw: unknown): IssuerDefinition {
  if (!NAME_RE.test(name)) throw new ConfigError(path, 'expected an issuer name of letters, digits, ".", "_" or "-" (at most 64), starting with a letter or digit');
  if (!isObject(raw)) throw new ConfigError(path, 'expected an object: { "type": "stub" } or a remote issuer { "endpoints": [...], "spec": ... }');
  const type = raw.type === undefined ? 'remote' : checkOneOf(`${path}.type`, raw.type, ISSUER_TYPES);
  if (type === 'stub') {
    checkKnownKeys(path, raw, { type: null });
    return Object.freeze({ type: 'stub', name });
  }
  if (name === STUB_ISSUER) throw new ConfigError(path, `"${STUB_ISSUER}" is the in-process issuer; give a remote issuer another name`);
  return remoteIssuer(name, path, raw);
}

/**
 * The issuers of a routes file, by name: the `issuers` object (`raw`; undefined when the file has
 * none) checked entry by entry, and the implicit in-process `stub` unless the file defines it.
 * Each definition is frozen. `source` starts every error's path, e.g. `routes fixtures/routes.json: issuers`.
 * @throws ConfigError naming the issuer, the key and what is allowed.
 */
export function parseIssuerDefinitions(raw: unknown, source = 'issuers'): ReadonlyMap<string, IssuerDefinition> {
  const out = new Map<string, IssuerDefinition>();
  if (raw !== undefined) {
    if (!isObject(raw)) throw new ConfigError(source, 'expected an object of issuers by name, e.g. { "acme": { "endpoints": [...], "spec": "iso87binary" } }');
    for (const [name, def] of Object.entries(raw)) out.set(name, issuerOf(name, `${source}.${name}`, def));
  }
  if (!out.has(STUB_ISSUER)) out.set(STUB_ISSUER, Object.freeze({ type: 'stub', name: STUB_ISSUER }));
  return out;
}

/** A W3C traceparent's length in characters: what a trace field must be able to hold. */
const TRACEPARENT_CHARS = 55;

/**
 * Checks `def` against its spec, once loaded (`codec`): the spec defines every match-key DE and
 * the trace field, and the trace field is a text field that can hold a traceparent.
 * @throws ConfigError naming `path` (e.g. `routes r.json: issuers.acme`), the key and the DE.
 */
export function checkIssuerSpec(def: RemoteIssuerDefinition, codec: Codec, path: string): void {
  for (const de of def.matchKey) {
    if (codec.fields[de] === undefined) throw new ConfigError(`${path}.matchKey`, `DE ${de} is not defined by spec ${codec.name}`);
  }
  const trace = def.traceField;
  if (trace === null) return;
  const f = codec.fields[trace.de];
  if (f === undefined) throw new ConfigError(`${path}.traceField`, `DE ${trace.de} is not defined by spec ${codec.name}`);
  if (f.isBinary || f.maxLength < TRACEPARENT_CHARS) {
    throw new ConfigError(`${path}.traceField`, `DE ${trace.de} of spec ${codec.name} must be a text field of at least ${TRACEPARENT_CHARS} characters (a traceparent)`);
  }
}
