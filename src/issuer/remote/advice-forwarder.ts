// Delivers the reversal advices owed to one remote issuer from the store-and-forward queue: the
// oldest first (order per issuer), one at a time, whenever a link is up and its backoff has run.
// Each send is recorded before it goes (so that after a crash it is repeated as 0421, never sent
// again as a first 0420); the issuer's answer (0430) acknowledges it, durably, and is handed on
// for the advice's own audit record. A failed send waits for the queue's backoff, or a link up.
// With a queue shared by several processes, the queue says whether this one delivers (next()
// null: another does); the forwarder releases the issuer whenever it stops with nothing in flight.

import type { Codec, IsoMessage } from '../../codec/index.js';
import type { AdviceQueue, SafEntry } from '../../saf/index.js';
import type { Logger } from '../../common/index.js';
import { adviceMessage } from './advice-fields.js';
import { TIMEOUT_PRECISION_MS, type IssuerLinks } from './issuer-links.js';

/** An advice the issuer acknowledged: the entry as the queue kept it, what was sent, the answer. */
export interface AcknowledgedAdvice {
  readonly issuer: string;
  readonly entry: SafEntry;
  readonly sent: IsoMessage;
  readonly answer: IsoMessage;
}

/** How long a queue that could not record a send waits before trying again, ms. */
const QUEUE_RETRY_MS = 1000;

export class AdviceForwarder {
  readonly #issuer: string;
  readonly #links: IssuerLinks;
  readonly #saf: AdviceQueue;
  readonly #codec: Codec;
  readonly #log: Logger;
  readonly #onAcknowledged: (a: AcknowledgedAdvice) => void;
  #isDraining = false;
  #isWokenAgain = false;
  #isClosed = false;
  #timer: NodeJS.Timeout | null = null;
  #draining: Promise<void> = Promise.resolve();

  constructor(issuer: string, links: IssuerLinks, saf: AdviceQueue, codec: Codec, logger: Logger, onAcknowledged: (a: AcknowledgedAdvice) => void) {
    this.#issuer = issuer;
    this.#links = links;
    this.#saf = saf;
    this.#codec = codec;
    this.#log = logger.child({ issuer });
    this.#onAcknowledged = onAcknowledged;
    saf.watch?.(issuer, () => this.wake());
  }

  /** Delivers what is owed and can go now (a link came up, an advice was queued, a backoff ran). */
  wake(): void {
    if (this.#isClosed) return;
    if (this.#isDraining) {
      this.#isWokenAgain = true;
      return;
    }
    this.#isDraining = true;
    this.#draining = this.#drain().finally(() => {
      this.#isDraining = false;
      if (this.#isWokenAgain) {
        this.#isWokenAgain = false;
        this.wake();
      }
    });
  }

  /** Stops delivering; resolves once the advice in flight, if any, has its answer or its failure. */
  async close(): Promise<void> {
    this.#isClosed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    await this.#draining;
  }

  async #drain(): Promise<void> {
    try {
      await this.#deliver();
    } catch (err) {
      // The queue could not say what is owed (a store away): its watch, or this timer, wakes it again.
      this.#log.warn({ evt: 'saf.next_failed', err: { code: (err as { code?: string }).code } }, 'advices owed not read; tried again later');
      this.#wakeIn(QUEUE_RETRY_MS);
    } finally {
      void this.#saf.release?.(this.#issuer);
    }
  }

  async #deliver(): Promise<void> {
    while (!this.#isClosed) {
      const next = await this.#saf.next(this.#issuer);
      if (next === null) return;
      const waitMs = next.entry.nextAttemptAt - Date.now();
      if (waitMs > 0) return this.#wakeIn(waitMs);
      const link = this.#links.pick();
      if (link === null) return; // a link coming up wakes it
      let sent: IsoMessage;
      let marked: SafEntry;
      try {
        const delivery = await this.#saf.markSent(next.entry.id, this.#links.timeoutMs + TIMEOUT_PRECISION_MS);
        marked = delivery.entry;
        sent = adviceMessage(delivery.mti, delivery.entry.fields, this.#codec);
      } catch (err) {
        this.#log.error({ evt: 'saf.send_not_recorded', id: next.entry.id, err: { code: (err as { code?: string }).code } }, 'advice not sent: its send could not be recorded');
        return this.#wakeIn(QUEUE_RETRY_MS);
      }
      let answer: IsoMessage;
      try {
        answer = await link.client.request(sent);
      } catch (err) {
        this.#log.warn({ evt: 'saf.delivery_failed', id: next.entry.id, mti: sent.mti, attempts: marked.attempts, err: { code: (err as { code?: string }).code } }, 'reversal advice not acknowledged; repeated later');
        this.#wakeIn(Math.max(0, marked.nextAttemptAt - Date.now()));
        return;
      }
      let entry: SafEntry;
      try {
        entry = await this.#saf.acknowledge(next.entry.id);
      } catch (err) {
        // Still owed on disk: after a restart it is repeated, and the issuer answers the repeat again.
        this.#log.error({ evt: 'saf.ack_not_recorded', id: next.entry.id, err: { code: (err as { code?: string }).code } }, 'acknowledgement not recorded');
        return this.#wakeIn(QUEUE_RETRY_MS);
      }
      this.#log.info({ evt: 'saf.acknowledged', id: entry.id, mti: sent.mti, rc: answer.get(39), attempts: entry.attempts }, 'reversal advice acknowledged');
      this.#onAcknowledged({ issuer: this.#issuer, entry, sent, answer });
    }
  }

  #wakeIn(ms: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.wake();
    }, ms);
    this.#timer.unref();
  }
}
