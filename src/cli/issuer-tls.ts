// The TLS files of remote issuers (the routes file's `tls` keys): read and checked into the bytes
// the links take at start-up, and read again on SIGHUP for each issuer's next connections. Reads
// files; throws only ConfigError, naming the issuer, the key and the file, never a file's content.

import type { IsoMessage } from '../codec/index.js';
import { RemoteIssuer, type IssuerDefinition, type IssuerTls } from '../issuer/index.js';
import { ConfigError, type IssuerBackend, type Logger } from '../common/index.js';
import { clientTls, type TlsClientOptions } from '../transport/index.js';
import { readPem } from './tls-files.js';

type FileKey = 'ca' | 'cert' | 'key';

/**
 * The files `tls` names read and checked; `at` is the issuer's path in errors
 * (`routes r.json: issuers.acme`).
 * @throws ConfigError naming `at.tls.KEY` and the file: unreadable, not PEM, a key not the certificate's.
 */
export function readIssuerTls(tls: IssuerTls, at: string): TlsClientOptions {
  const read = (key: FileKey): Buffer | null => (tls[key] === null ? null : readPem(`${at}.tls.${key}`, tls[key]));
  const options = { ca: read('ca'), cert: read('cert'), key: read('key'), serverName: tls.serverName };
  try {
    clientTls(options, `${at}.tls`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const file = tls[err.path.slice(at.length + 5) as keyof IssuerTls];
    throw new ConfigError(file === null || file === undefined ? err.path : `${err.path} ${file}`, err.message.slice(err.path.length + 2), { cause: err });
  }
  return options;
}

/** The file a readIssuerTls error names (its path ends in `.tls.KEY` or `.tls.KEY FILE`); null when none. */
function fileOf(err: unknown, tls: IssuerTls): string | null {
  const path = err instanceof ConfigError ? err.path : '';
  const key = /\.tls\.(ca|cert|key)(?: |$)/.exec(path)?.[1] as FileKey | undefined;
  return key === undefined ? null : tls[key];
}

/**
 * Rereads the TLS files of every remote issuer with a `tls` key and hands them to its links: each
 * link's next connection (a reconnect, a failover) uses them, connections up stay up. Logs
 * `tls.reloaded` per issuer; when a file cannot be read or used, one `tls.reload_failed` warning
 * naming the issuer and the file, the links keeping the files they had. `where`: the routes file
 * as errors name it (`routes r.json`). Never throws.
 */
export function reloadIssuerTls(
  issuers: ReadonlyMap<string, IssuerDefinition>, backends: ReadonlyMap<string, IssuerBackend<IsoMessage>>, where: string, logger: Logger,
): void {
  for (const def of issuers.values()) {
    const backend = backends.get(def.name);
    if (def.type !== 'remote' || def.tls === null || !(backend instanceof RemoteIssuer)) continue;
    try {
      backend.reloadTls(readIssuerTls(def.tls, `${where}: issuers.${def.name}`));
      logger.info({ evt: 'tls.reloaded', issuer: def.name, ca: def.tls.ca, cert: def.tls.cert }, `TLS files of issuer ${def.name} reloaded: its next connections use them`);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      logger.warn(
        { evt: 'tls.reload_failed', issuer: def.name, file: fileOf(err, def.tls), err: { code: e.code, message: e.message } },
        `TLS files of issuer ${def.name} not reloaded; its links keep the previous ones`,
      );
    }
  }
}
