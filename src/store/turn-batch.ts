// TurnBatch: group commit for the store. What is queued in one event-loop turn goes to PostgreSQL
// as one statement (CommitQueue's batching, shared with the audit writer): every caller of the turn
// shares one promise, settled with the batch's fate. No SQL here.

import { CommitQueue } from '../audit/index.js';

export class TurnBatch<T> {
  readonly #queue: CommitQueue<T>;
  readonly #run: (items: T[]) => Promise<void>;
  /** Batches sent and not answered yet, for close(). */
  readonly #inFlight = new Set<Promise<void>>();

  /** `run` sends one batch; its rejection is what every caller of the batch gets. */
  constructor(run: (items: T[]) => Promise<void>) {
    this.#run = run;
    this.#queue = new CommitQueue<T>({ mode: 'strict', onReady: () => this.#flush() });
  }

  /** Queues `item`: resolves once its batch is done, rejects with the batch's error. */
  push(item: T): Promise<void> {
    return this.#queue.push(item);
  }

  /** Resolves once every batch queued or sent is answered. */
  async drain(): Promise<void> {
    if (this.#queue.length > 0) this.#flush();
    await Promise.allSettled([...this.#inFlight]);
  }

  #flush(): void {
    const { items, group } = this.#queue.take();
    if (items.length === 0) return;
    const sent = this.#run(items).then(() => group?.resolve(), (err: Error) => group?.reject(err));
    this.#inFlight.add(sent);
    void sent.finally(() => this.#inFlight.delete(sent));
  }
}
