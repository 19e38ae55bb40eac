// A remote issuer: requests re-packed for its link's spec (IssuerMapping) go out on its links with
// the switch's own STAN and the transaction's traceparent in the configured trace field; answers
// come back as the issuer's decision. No link up: ISSUER_UNAVAILABLE at once (the terminal gets 91).
// A request sent and not answered (a timeout, or a link that dropped under it) may have been
// approved: a reversal advice for it is queued, durably, before the terminal gets its 91. A
// terminal's reversal goes to the issuer when a link is up, else (and when it is not answered)
// becomes an advice too, as does the release of an approval whose audit record was not written.

import { FORBIDDEN_FIELDS, type AdviceQueue } from '../../saf/index.js';
import { responseCodeOf, specVersion, writeFieldPath, type Codec, type IsoMessage, type SpecVersion } from '../../codec/index.js';
import {
  IssuerError, type AuthorizationRequest, type IssuerBackend, type IssuerDecision, type Logger, type ReversalRequest,
} from '../../common/index.js';
import type { RemoteIssuerDefinition, TraceField } from '../issuer-definition.js';
import { IssuerMapping } from '../issuer-mapping.js';
import { toIssuerRequest } from '../issuer-request.js';
import { reversalAdvice, type ReversalReason } from '../reversal-advice.js';
import { adviceFields, holdOf, originalOfHold } from './advice-fields.js';
import { AdviceForwarder, type AcknowledgedAdvice } from './advice-forwarder.js';
import { IssuerLinks, type IssuerLink } from './issuer-links.js';
import type { TlsClientOptions } from '../../transport/index.js';

export interface RemoteIssuerOptions {
  readonly def: RemoteIssuerDefinition;
  /** The terminals' spec (serve's --spec). */
  readonly terminal: Codec;
  /** The issuer link's spec. */
  readonly issuer: Codec;
  /** How long the issuer may take, ms (the definition's timeoutMs, or serve's --issuer-timeout-ms). */
  readonly timeoutMs: number;
  /** Where owed reversal advices are kept until the issuer acknowledges them. */
  readonly saf: AdviceQueue;
  readonly logger: Logger;
  /** The PEM bytes of the files `def.tls` names; absent or null: plain TCP. */
  readonly tls?: TlsClientOptions | null;
  /** Each advice the issuer acknowledged, for its audit record. */
  readonly onAdviceAcknowledged?: (advice: AcknowledgedAdvice) => void;
}

/** What an answer adds that the terminal's answer carries too, besides DE 38 and 39. */
const ADDED_FIELDS: readonly number[] = [44, 54, 55];
/** The link errors after which the request may have reached the issuer. */
const MAY_HAVE_ARRIVED = new Set(['REQUEST_TIMEOUT', 'LINK_DOWN']);

const errorCode = (err: unknown): string => (err as { code?: string } | null)?.code ?? 'ISSUER_UNAVAILABLE';

export class RemoteIssuer implements IssuerBackend<IsoMessage> {
  readonly name: string;
  readonly isRemote = true;
  readonly #mapping: IssuerMapping;
  readonly #version: SpecVersion;
  readonly #traceField: TraceField | null;
  readonly #links: IssuerLinks;
  readonly #saf: AdviceQueue;
  readonly #forwarder: AdviceForwarder;
  readonly #log: Logger;
  /** The issuer spec's sensitive fields an advice may hold: sealed in the queue like DE 2. */
  readonly #sensitive: number[];

  /** Builds the links and starts them (each keeps reconnecting); requests fail with 91 until one is up. */
  constructor(o: RemoteIssuerOptions) {
    this.name = o.def.name;
    this.#mapping = IssuerMapping.of(o.terminal, o.issuer, o.def);
    this.#version = specVersion(o.issuer.spec);
    this.#traceField = o.def.traceField;
    this.#log = o.logger.child({ issuer: o.def.name });
    this.#saf = o.saf;
    this.#links = new IssuerLinks(o.def, o.issuer, o.timeoutMs, o.logger, o.tls ?? null);
    this.#forwarder = new AdviceForwarder(o.def.name, this.#links, o.saf, o.issuer, o.logger, o.onAdviceAcknowledged ?? (() => {}));
    this.#sensitive = o.issuer.fields.flatMap((f, de) => (f?.spec.sensitive !== undefined && FORBIDDEN_FIELDS[de] === undefined ? [de] : []));
    this.#links.onUp(() => this.#forwarder.wake());
    this.#links.onLate((answer, lateByMs) => this.#late(answer, lateByMs));
    this.#links.start();
    this.#forwarder.wake();
  }

  /** Its links, in order (for their state and counters). */
  get links(): readonly IssuerLink[] {
    return this.#links.all;
  }

  /**
   * Sends the authorization to the issuer and resolves with its decision (its DE 39 in 1987 terms).
   * @throws (rejects) IssuerError ISSUER_UNAVAILABLE when no link is up (at once) or the request
   *   could not go out; ISSUER_TIMEOUT when it went out and was not answered in time (a reversal
   *   advice is then queued first); MappingError when the link's spec cannot carry a field.
   */
  async authorize(req: AuthorizationRequest<IsoMessage>): Promise<IssuerDecision> {
    const link = this.#up();
    if (req.callTrace != null) req.callTrace.endpoint = link.client.endpoint;
    const sent = this.#withTrace(toIssuerRequest(req.message, this.#mapping, { stan: link.stans.next(), now: new Date(), rrn: req.rrn }), req.traceparent);
    let answer: IsoMessage;
    try {
      answer = await link.client.request(sent);
    } catch (err) {
      const code = errorCode(err);
      if (!MAY_HAVE_ARRIVED.has(code)) throw new IssuerError('ISSUER_UNAVAILABLE', `issuer ${this.name}: the request could not be sent (${code})`, { cause: err });
      // The terminal gets 91 whether or not the advice could be queued (a failure is logged loudly).
      await this.#queueAdvice(reversalAdvice(sent, null, 'timeout', this.#mapping, { stan: link.stans.next(), now: new Date() }), req.traceparent, 'timeout').catch(() => {});
      const isTimeout = code === 'REQUEST_TIMEOUT';
      throw new IssuerError(isTimeout ? 'ISSUER_TIMEOUT' : 'ISSUER_UNAVAILABLE', `issuer ${this.name}: ${isTimeout ? 'no answer in time' : 'the link dropped before the answer'}; its reversal is queued`, { cause: err });
    }
    return this.#decision(answer, sent);
  }

  /**
   * Reverses the approval `req.holdId` names. A terminal's reversal goes to the issuer when a link
   * is up and is answered by it; otherwise, and for the switch's own release (cause
   * `malfunction`), a reversal advice is queued durably and the reversal counts as done.
   * @throws (rejects) the queue's error (SafError, StoreError) when the advice cannot be queued: the
   *   reversal is not done, and the terminal is answered 96, so that it sends it again.
   */
  async reverse(req: ReversalRequest<IsoMessage>): Promise<IssuerDecision> {
    const original = originalOfHold(req.holdId, this.#version);
    if (original === null) return { responseCode: '25', approvalCode: null, reason: 'original not known on the issuer link', holdId: null };
    const now = new Date();
    const link = req.cause === 'cancellation' ? this.#links.pick() : null;
    // The original as the link sent it: its own MTI, STAN and time, the institutions as the link fills them.
    const probe = toIssuerRequest(req.message, this.#mapping, { stan: '000000', now, rrn: req.rrn });
    for (const de of [32, 33]) {
      const v = probe.get(de);
      if (v !== undefined) original.set(de, v);
    }
    if (link !== null) {
      if (req.callTrace != null) req.callTrace.endpoint = link.client.endpoint;
      const sent = this.#withTrace(toIssuerRequest(req.message, this.#mapping, { stan: link.stans.next(), now, rrn: req.rrn, original }), req.traceparent);
      try {
        const answer = await link.client.request(sent);
        return this.#decision(answer, sent);
      } catch (err) {
        this.#log.warn({ evt: 'issuer.reversal_not_answered', err: { code: errorCode(err) } }, 'reversal not answered: queued as an advice');
      }
    }
    const reason: ReversalReason = req.cause === 'cancellation' ? 'cancellation' : 'malfunction';
    const stans = (link ?? this.#links.all[0]).stans;
    await this.#queueAdvice(reversalAdvice(withOriginalIds(probe, original, this.#version), null, reason, this.#mapping, { stan: stans.next(), now }), req.traceparent, reason);
    return { responseCode: '00', approvalCode: null, reason: 'reversal advice queued for the issuer', holdId: null };
  }

  /**
   * New TLS files for the issuer's links (the PEM bytes of the files its `tls` key names): each
   * link's next connection uses them; connections up stay up with theirs.
   * @throws ConfigError naming client.tls.* when they are not usable, or client.tls for plain TCP links.
   */
  reloadTls(tls: TlsClientOptions): void {
    this.#links.reloadTls(tls);
  }

  /** Signs off and closes the links, after the advice in flight, if any, has its answer. */
  async close(): Promise<void> {
    await this.#forwarder.close();
    await this.#links.close();
  }

  /** An answer after its request timed out: the terminal got 91, and the reversal advice queued then reverses an approval. */
  #late(answer: IsoMessage, lateByMs: number): void {
    const code = answer.get(39);
    const rc = typeof code !== 'string' ? null : this.#version === 1993 ? responseCodeOf(code) : code;
    if (rc === '00' && answer.mti[1] !== '4') {
      this.#log.warn({ evt: 'issuer.late_approval', mti: answer.mti, stan: answer.get(11), lateByMs }, 'approval arrived after the terminal got 91: reversed by the advice queued at the timeout');
    }
  }

  #up(): IssuerLink {
    const link = this.#links.pick();
    if (link === null) throw new IssuerError('ISSUER_UNAVAILABLE', `issuer ${this.name}: no link up`);
    return link;
  }

  /** `msg` with the transaction's traceparent in the link's trace field, when it has one. */
  #withTrace(msg: IsoMessage, traceparent: string | null): IsoMessage {
    if (this.#traceField !== null && traceparent !== null) writeFieldPath(msg, this.#traceField, traceparent);
    return msg;
  }

  /** The issuer's answer as a decision; an approval's hold names the request as the link sent it. */
  #decision(answer: IsoMessage, sent: IsoMessage): IssuerDecision {
    const code = answer.get(39);
    if (typeof code !== 'string' || code === '') throw new IssuerError('ISSUER_UNAVAILABLE', `issuer ${this.name}: its answer has no DE 39`);
    const rc = this.#version === 1993 ? responseCodeOf(code) : code;
    const isApproved = rc === '00';
    const approval = answer.get(38);
    const fields: Array<readonly [number, string | Buffer]> = [];
    for (const de of ADDED_FIELDS) {
      const v = answer.get(de);
      const mapped = v === undefined ? undefined : this.#mapping.toTerminal(de, v);
      if (mapped !== undefined) fields.push([de, mapped]);
    }
    return {
      responseCode: rc,
      approvalCode: isApproved && typeof approval === 'string' ? approval : null,
      reason: !isApproved ? `declined by ${this.name} (${code})` : sent.mti[1] === '4' ? `reversal accepted by ${this.name}` : `approved by ${this.name}`,
      holdId: isApproved && sent.mti[1] !== '4' ? holdOf(sent, this.#version) : null,
      fields,
    };
  }

  /** Queues `advice` (resolves once it is on disk) and wakes the delivery; a failure to queue is logged loudly and thrown. */
  async #queueAdvice(advice: IsoMessage, traceparent: string | null, reason: ReversalReason): Promise<void> {
    try {
      const id = await this.#saf.enqueue({ issuer: this.name, traceparent, mti: advice.mti, fields: adviceFields(advice), reason, sensitive: this.#sensitive });
      this.#log.info({ evt: 'saf.queued', id, reason, stan: advice.get(11) }, 'reversal advice queued');
    } catch (err) {
      this.#log.error({ evt: 'saf.enqueue_failed', reason, err: { code: errorCode(err) } }, 'REVERSAL ADVICE NOT QUEUED: the issuer may hold an approval nobody reverses');
      throw err;
    }
    this.#forwarder.wake();
  }
}

/** `reversal` (as the link sends it) with the original's MTI, STAN and time in place of its own. */
function withOriginalIds(reversal: IsoMessage, original: IsoMessage, version: SpecVersion): IsoMessage {
  const timeDe = version === 1993 ? 12 : 7;
  const out = reversal.detach();
  out.mti = original.mti;
  out.set(11, original.get(11)!).set(timeDe, original.get(timeDe)!);
  return out;
}
