// The listener's TLS files: which --tls-* options go together, the PEM files they name read into
// the bytes the transport takes at start-up, and read again on SIGHUP to swap the certificate of
// a running server. Throws only ConfigError, naming the option and the file.

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, type Logger } from '../common/index.js';
import { resolveTlsServerOptions, type ClientAuthPolicy, type FrameServer, type TlsServerOptions } from '../transport/index.js';

/** The files of a TLS listener, as the options name them. */
export interface ServeTlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly ca: string | null;
  readonly clientAuth: ClientAuthPolicy;
}

/** The --tls-* values of a host's configuration. */
export interface TlsOptionValues {
  readonly tlsCert: string | null;
  readonly tlsKey: string | null;
  readonly tlsCa: string | null;
  readonly tlsClientAuth: ClientAuthPolicy;
}

/** The option each TLS key comes from, for errors. */
const OPTION_OF: Readonly<Record<string, string>> = Object.freeze({ cert: 'tlsCert', key: 'tlsKey', ca: 'tlsCa', clientAuth: 'tlsClientAuth' });

/**
 * The listener's TLS files, or null for plain TCP (no --tls-cert nor --tls-key).
 * @throws ConfigError naming the option missing: a certificate without its key, or the reverse;
 *   --tls-ca or --tls-client-auth without a certificate; request or require without --tls-ca.
 */
export function serveTlsFiles(v: TlsOptionValues): ServeTlsFiles | null {
  if (v.tlsCert === null && v.tlsKey === null) {
    if (v.tlsCa !== null || v.tlsClientAuth !== 'none') throw new ConfigError(v.tlsCa !== null ? 'tlsCa' : 'tlsClientAuth', 'needs tlsCert and tlsKey: the listener\'s own certificate');
    return null;
  }
  if (v.tlsCert === null || v.tlsKey === null) throw new ConfigError(v.tlsCert === null ? 'tlsCert' : 'tlsKey', `required with ${v.tlsCert === null ? 'tlsKey' : 'tlsCert'}: a TLS listener needs both its certificate and its key`);
  if (v.tlsClientAuth !== 'none' && v.tlsCa === null) throw new ConfigError('tlsCa', `required with tlsClientAuth ${v.tlsClientAuth}: the CA that signs the clients' certificates`);
  return Object.freeze({ cert: v.tlsCert, key: v.tlsKey, ca: v.tlsCa, clientAuth: v.tlsClientAuth });
}

/** The bytes of the file `path` named by `option`. @throws ConfigError `option path: cannot read (ENOENT)`. */
export function readPem(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${option} ${path}`, `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * The listener's TLS options, its files read and checked.
 * @throws ConfigError naming the option and file: unreadable, not PEM, a key not the certificate's.
 */
export function readServerTls(files: ServeTlsFiles): TlsServerOptions {
  const options = {
    cert: readPem('tlsCert', files.cert), key: readPem('tlsKey', files.key), ca: files.ca === null ? null : readPem('tlsCa', files.ca), clientAuth: files.clientAuth,
  };
  try {
    resolveTlsServerOptions(options, 'tls');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const key = err.path.replace(/^tls\./, '');
    const option = OPTION_OF[key] ?? 'tls';
    const file = (files as unknown as Record<string, string | null>)[key];
    throw new ConfigError(file === null || file === undefined ? option : `${option} ${file}`, err.message.slice(err.path.length + 2), { cause: err });
  }
  return options;
}

/**
 * Rereads the files and swaps the server's certificate: new connections get it, open ones keep
 * theirs. Logs `tls.reloaded` (subject, expiry, fingerprint) or, keeping the old certificate,
 * `tls.reload_failed` with the reason. Never throws.
 */
export function reloadServerTls(server: FrameServer, files: ServeTlsFiles, logger: Logger): void {
  try {
    const tls = readServerTls(files);
    server.reloadTls(tls);
    const cert = new X509Certificate(tls.cert);
    logger.info({ evt: 'tls.reloaded', cert: files.cert, subject: cert.subject.replace(/\n/g, ', '), valid_to: cert.validTo, fingerprint: cert.fingerprint256 }, 'TLS certificate reloaded');
  } catch (err) {
    const e = err as { code?: string; message?: string };
    logger.error({ evt: 'tls.reload_failed', cert: files.cert, err: { code: e.code, message: e.message } }, 'TLS certificate not reloaded; the previous one stays in use');
  }
}
