// The routes file `serve --routes` names: the BIN routes, the issuers they name (the implicit
// in-process `stub` and those of its `issuers` object), and the spec and TLS files of each remote
// issuer, all read and checked once at start-up. Throws only ConfigError, naming the file, the issuer and the key.

import { SpecError, type Codec } from '../codec/index.js';
import { STUB_ISSUER, checkIssuerSpec, parseIssuerDefinitions, type IssuerDefinition } from '../issuer/index.js';
import { ConfigError } from '../common/index.js';
import { BinTable } from '../switch/index.js';
import type { TlsClientOptions } from '../transport/index.js';
import { readJsonFile } from './config.js';
import { loadCodec } from './spec-loader.js';
import { readIssuerTls } from './issuer-tls.js';

export interface RoutesFile {
  readonly routes: BinTable;
  /** Every issuer by name, `stub` included; each route names one of them. */
  readonly issuers: ReadonlyMap<string, IssuerDefinition>;
  /** The codec of each remote issuer's spec, by issuer name. */
  readonly issuerCodecs: ReadonlyMap<string, Codec>;
  /** The TLS files' bytes of each remote issuer with a `tls` key, by issuer name. */
  readonly issuerTls: ReadonlyMap<string, TlsClientOptions>;
}

/**
 * Reads and checks the routes file at `path`: `{ "routes": [...], "issuers": {...} }`, where
 * `issuers` may be left out (only the stub then).
 * @throws ConfigError for a file that cannot be read, a bad route or issuer definition, a spec that
 *   cannot be loaded, or a route naming an issuer that is neither defined nor the stub.
 */
export function loadRoutesFile(path: string): RoutesFile {
  const where = `routes ${path}`;
  const json = readJsonFile(path, 'routes', 'a JSON object');
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ConfigError(where, 'expected a JSON object { "routes": [...], "issuers": {...} }');
  const { routes: rawRoutes, issuers: rawIssuers } = json as { routes?: unknown; issuers?: unknown };
  const routes = new BinTable(rawRoutes, path);
  const issuers = parseIssuerDefinitions(rawIssuers, `${where}: issuers`);
  for (const name of routes.issuers) {
    if (!issuers.has(name)) {
      throw new ConfigError(where, `issuer "${name}" is not available (available: ${[...issuers.keys()].join(', ')}): define it under "issuers", or route to "${STUB_ISSUER}"`);
    }
  }
  const issuerCodecs = new Map<string, Codec>();
  const issuerTls = new Map<string, TlsClientOptions>();
  for (const def of issuers.values()) {
    if (def.type !== 'remote') continue;
    const at = `${where}: issuers.${def.name}`;
    let codec: Codec;
    try {
      codec = loadCodec(def.spec);
    } catch (err) {
      if (!(err instanceof SpecError)) throw err;
      throw new ConfigError(`${at}.spec`, err.message, { cause: err });
    }
    checkIssuerSpec(def, codec, at);
    issuerCodecs.set(def.name, codec);
    if (def.tls !== null) issuerTls.set(def.name, readIssuerTls(def.tls, at));
  }
  return Object.freeze({ routes, issuers, issuerCodecs, issuerTls });
}
