// The backend behind each issuer name of the routes file: the in-process stub for `stub` issuers,
// a RemoteIssuer (its links, its reversal advices in the store-and-forward queue) for each remote one.

import type { Codec, IsoMessage } from '../codec/index.js';
import { RemoteIssuer, type IssuerDefinition } from '../issuer/index.js';
import type { AdviceQueue } from '../saf/index.js';
import type { IssuerBackend, Logger } from '../common/index.js';
import type { TlsClientOptions } from '../transport/index.js';
import type { DeliveredAdvice } from '../switch/index.js';

/** What a host gives the remote backends it builds once it runs. */
export interface BackendContext {
  readonly stub: IssuerBackend<IsoMessage>;
  /** The terminals' spec. */
  readonly terminal: Codec;
  /** serve's --issuer-timeout-ms, for issuers that set no timeoutMs of their own. */
  readonly issuerTimeoutMs: number;
  readonly logger: Logger;
  /** The queue of reversal advices owed; opened only when some issuer is remote. */
  readonly saf: AdviceQueue | null;
  /** Audits an advice an issuer acknowledged. */
  readonly onAdviceDelivered: (advice: DeliveredAdvice) => void;
}

/** True when some issuer is remote: the host then opens the store-and-forward queue. */
export function hasRemoteIssuers(issuers: ReadonlyMap<string, IssuerDefinition>): boolean {
  for (const def of issuers.values()) if (def.type === 'remote') return true;
  return false;
}

/**
 * Each issuer's backend by name: `stub` for every stub issuer, a RemoteIssuer for each remote one
 * (`codecs` and `tls`: the remote issuers' codecs and TLS files' bytes by name, as loadRoutesFile
 * gives them). The remote ones start connecting at once.
 */
export function issuerBackends(
  issuers: ReadonlyMap<string, IssuerDefinition>, codecs: ReadonlyMap<string, Codec>, ctx: BackendContext, tls: ReadonlyMap<string, TlsClientOptions> = new Map(),
): Map<string, IssuerBackend<IsoMessage>> {
  const out = new Map<string, IssuerBackend<IsoMessage>>();
  for (const [name, def] of issuers) {
    if (def.type === 'stub') {
      out.set(name, ctx.stub);
      continue;
    }
    out.set(name, new RemoteIssuer({
      def, terminal: ctx.terminal, issuer: codecs.get(name)!, timeoutMs: def.timeoutMs ?? ctx.issuerTimeoutMs, saf: ctx.saf!, logger: ctx.logger, tls: tls.get(name) ?? null,
      onAdviceAcknowledged: ({ entry, sent, answer }) => ctx.onAdviceDelivered({
        issuer: name, sent, answer, traceparent: entry.traceparent, reason: entry.reason, attempts: entry.attempts,
      }),
    }));
  }
  return out;
}
