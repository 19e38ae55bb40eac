// The terminal simulator's exchange: one request over a fresh IsoClient link, its answer and the
// round-trip time. Never throws for the network: a timeout or a broken link is the result's `error`.

import type { Codec, IsoMessage } from '../../codec/index.js';
import { IsoClient } from '../../link/index.js';
import { TimeoutError, tpduHex, type FrameHeader, type Framing, type TlsClientOptions } from '../../transport/index.js';
import { DEFAULT_TPDU } from '../default-tpdu.js';

/**
 * The terminal's default wait for the answer, ms: well beyond the switch's default issuer timeout
 * (3000 ms), so that a silent issuer shows as RC 91 rather than a terminal timeout.
 */
export const DEFAULT_TERMINAL_TIMEOUT_MS = 5000;

/** The TPDU sent with header `tpdu`, as the link's option takes it: 10 hex digits. */
const TERMINAL_TPDU = tpduHex(DEFAULT_TPDU);

export interface TerminalTarget {
  codec: Codec;
  host: string;
  port: number;
  framing: Framing;
  header: FrameHeader;
  /** Longest wait for the connection (and TLS handshake) and then for the answer, each, in ms. */
  timeoutMs: number;
  /** Connect over TLS with these; absent or null: plain TCP. */
  tls?: TlsClientOptions | null;
}

export interface TerminalResult {
  request: IsoMessage;
  /** The matched answer; null on error. */
  response: IsoMessage | null;
  /** From sending the request to its answer, ms (fractional); null without an answer. */
  rttMs: number | null;
  /** Why there is no answer: ConnectionError (LINK_CONNECT_FAILED, LINK_DOWN), TimeoutError REQUEST_TIMEOUT, EncodeError. */
  error: Error | null;
}

/**
 * Connects to `target` (one attempt), sends `request`, waits for the answer matched on MTI class,
 * DE 41 and DE 11, and closes the link.
 * @throws ConfigError when `target` is invalid (a bad port or timeout).
 */
export async function sendTerminalRequest(request: IsoMessage, target: TerminalTarget): Promise<TerminalResult> {
  const client = new IsoClient({
    codec: target.codec, host: target.host, port: target.port, name: 'terminal', framing: target.framing, header: target.header,
    tpdu: target.header === 'tpdu' ? TERMINAL_TPDU : null, connectTimeoutMs: target.timeoutMs, requestTimeoutMs: target.timeoutMs,
    reconnect: { maxAttempts: 1 }, tls: target.tls ?? null,
  });
  try {
    await client.connect();
    const sentAt = performance.now();
    const response = await client.request(request);
    return { request, response, rttMs: performance.now() - sentAt, error: null };
  } catch (err) {
    return { request, response: null, rttMs: null, error: explained(err, client.stats.undecodable, target.codec.name) };
  } finally {
    await client.close();
  }
}

/**
 * A timeout after frames that did not decode says so: something answered, in another spec or
 * edition (a 1987 switch answering a 1993 request), not nothing at all.
 */
function explained(err: unknown, undecodable: number, specName: string): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  if (undecodable === 0 || !(e instanceof TimeoutError) || e.code !== 'REQUEST_TIMEOUT') return e;
  const frames = undecodable === 1 ? '1 frame' : `${undecodable} frames`;
  return new TimeoutError('REQUEST_TIMEOUT', `${e.message}, but ${frames} arrived that did not decode with spec ${specName}: the peer speaks another spec or edition`, e.timeoutMs);
}
