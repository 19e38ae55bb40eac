// --tls, --tls-ca, --tls-cert, --tls-key and --tls-server-name of the commands that connect to a
// switch as terminals (terminal, load, replay): the flags, and the files they name read into the
// client side's TLS options. Throws only UsageError, naming the flag and the file.

import type { Command } from 'commander';
import { ConfigError } from '../common/index.js';
import { clientTls, type ClientTls, type TlsClientOptions } from '../transport/index.js';
import { UsageError } from './io.js';
import { readPem } from './tls-files.js';

export interface TlsClientFlags {
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServerName?: string;
}

/** Adds the client TLS flags to `cmd`. */
export function addTlsClientFlags(cmd: Command): Command {
  return cmd
    .option('--tls', "connect over TLS 1.2+; the switch's certificate checked against --tls-ca, else Node's built-in root CAs")
    .option('--tls-ca <file>', "PEM CA certificate(s) the switch's certificate must chain to (implies --tls)")
    .option('--tls-cert <file>', 'PEM client certificate, for a switch that asks for one (--tls-client-auth); with --tls-key (implies --tls)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert (implies --tls)')
    .option('--tls-server-name <name>', "the name the switch's certificate must carry, when not the --host given (implies --tls)");
}

const FLAG_OF: Readonly<Record<string, string>> = Object.freeze({ ca: '--tls-ca', cert: '--tls-cert', key: '--tls-key', serverName: '--tls-server-name' });

/**
 * The client's TLS options (PEM bytes and the server name), or null when no TLS flag is given.
 * @throws UsageError CLI_FILE_ACCESS for a file that cannot be read; CLI_BAD_VALUE for one that is
 *   not PEM, a certificate without its key, or the reverse.
 */
export function tlsClientOptionsOf(flags: TlsClientFlags): TlsClientOptions | null {
  const isTls = flags.tls === true || flags.tlsCa !== undefined || flags.tlsCert !== undefined || flags.tlsKey !== undefined || flags.tlsServerName !== undefined;
  if (!isTls) return null;
  const read = (flag: string, path: string | undefined): Buffer | null => {
    if (path === undefined) return null;
    try {
      return readPem(flag, path);
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/^CONFIG_INVALID: /, ''), 'CLI_FILE_ACCESS');
    }
  };
  const options = { ca: read('--tls-ca', flags.tlsCa), cert: read('--tls-cert', flags.tlsCert), key: read('--tls-key', flags.tlsKey), serverName: flags.tlsServerName ?? null };
  clientTlsChecked(options, flags);
  return options;
}

/**
 * The client's TLS checked into one context (shared by every connection), or null without TLS flags.
 * @throws UsageError as tlsClientOptionsOf.
 */
export function clientTlsOf(flags: TlsClientFlags): ClientTls | null {
  const options = tlsClientOptionsOf(flags);
  return options === null ? null : clientTlsChecked(options, flags);
}

function clientTlsChecked(options: TlsClientOptions, flags: TlsClientFlags): ClientTls {
  try {
    return clientTls(options, 'tls');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const key = err.path.replace(/^tls\./, '');
    const flag = FLAG_OF[key] ?? '--tls';
    const file = (flags as Record<string, unknown>)[`tls${key.charAt(0).toUpperCase()}${key.slice(1)}`];
    throw new UsageError(`${flag}${typeof file === 'string' && key !== 'serverName' ? ` ${file}` : ''}: ${err.message.slice(err.path.length + 2)}`);
  }
}
