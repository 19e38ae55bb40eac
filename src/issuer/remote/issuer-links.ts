// The links of one remote issuer: `connections` IsoClients, each trying the issuer's endpoints in
// order (failover), signing on when configured, testing idle links with echoes, reconnecting with
// backoff and signing off when closed. Requests go out on the links that are up, in turn, each
// link with its own STAN counter. Every link state change is logged with the issuer's name.

import type { Codec, IsoMessage } from '../../codec/index.js';
import { IsoClient, keyOfFields, StanCounter } from '../../link/index.js';
import type { Clock, Logger } from '../../common/index.js';
import type { TlsClientOptions } from '../../transport/index.js';
import type { RemoteIssuerDefinition } from '../issuer-definition.js';

/** How soon past its timeout a request to an issuer fails: the terminal's 91 leaves within this. */
export const TIMEOUT_PRECISION_MS = 25;

/** One link and the STANs of the requests the switch sends on it. */
export interface IssuerLink {
  readonly client: IsoClient;
  readonly stans: StanCounter;
}

export class IssuerLinks {
  readonly #links: IssuerLink[];
  /** How long the issuer may take to answer, ms. */
  readonly timeoutMs: number;
  #next = 0;

  /**
   * `codec`: the link's spec; `timeoutMs`: how long the issuer may take to answer; `tls`: the
   * bytes of the files `def.tls` names (null: plain TCP). The links are made, not connected: call start().
   * @throws ConfigError when `tls` is not usable.
   */
  constructor(def: RemoteIssuerDefinition, codec: Codec, timeoutMs: number, logger: Logger, tls: TlsClientOptions | null = null, clock?: Clock) {
    const log = logger.child({ issuer: def.name });
    this.timeoutMs = timeoutMs;
    const header = def.header ?? (codec.spec.header === 'tpdu' ? 'tpdu' : 'none');
    this.#links = Array.from({ length: def.connections }, (_, i) => ({
      client: new IsoClient({
        codec, name: `${def.name}-${i + 1}`, endpoints: def.endpoints.map(({ host, port }) => ({ host, port })),
        framing: def.framing, header, tpdu: header === 'tpdu' ? def.tpdu : null,
        requestTimeoutMs: timeoutMs, timeoutPrecisionMs: TIMEOUT_PRECISION_MS,
        keyOf: keyOfFields(def.matchKey), keyFields: def.matchKey,
        hasSignOn: def.signOn, echoIntervalMs: def.echoIntervalMs, logger: log, clock, tls,
      }),
      stans: new StanCounter(),
    }));
  }

  /** Every link, in order. */
  get all(): readonly IssuerLink[] {
    return this.#links;
  }

  /** Starts every link; each keeps reconnecting on its own. Resolves at once: a link down answers 91. */
  start(): void {
    for (const { client } of this.#links) client.connect().catch(() => {}); // reconnects forever: never rejects but on close
  }

  /** HOT: the next link that is up, in turn; null when none is. */
  pick(): IssuerLink | null {
    const links = this.#links;
    for (let i = 0; i < links.length; i++) {
      const link = links[(this.#next + i) % links.length];
      if (link.client.isUp) {
        this.#next = (this.#next + i + 1) % links.length;
        return link;
      }
    }
    return null;
  }

  /** Calls `listener` whenever a link comes up. */
  onUp(listener: () => void): void {
    for (const { client } of this.#links) client.on('up', listener);
  }

  /** Calls `listener` with each answer that came after its request timed out. */
  onLate(listener: (answer: IsoMessage, lateByMs: number) => void): void {
    for (const { client } of this.#links) client.on('late', listener);
  }

  /**
   * New TLS files for every link: each one's next connection uses them; those up keep theirs.
   * @throws ConfigError as IsoClient.reloadTls (checked on the first link: none changes then).
   */
  reloadTls(tls: TlsClientOptions): void {
    for (const { client } of this.#links) client.reloadTls(tls);
  }

  /** Signs off (where signed on) and closes every link. */
  async close(): Promise<void> {
    await Promise.all(this.#links.map(({ client }) => client.close()));
  }
}
