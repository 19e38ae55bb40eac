// TurnBatch: group commit for the store. What is queued in one event-loop turn goes to PostgreSQL
// as one batch (CommitQueue's batching, shared with the audit writer): every caller of the batch
// shares one promise, settled with the batch's fate. With `maxInFlight` batches sent and not yet
// answered, what queues meanwhile waits and goes as one batch when one returns. No SQL here.

import { CommitQueue } from '../audit/index.js';

export class TurnBatch<T> {
  readonly #queue: CommitQueue<T>;
  readonly #run: (items: T[]) => Promise<void>;
  readonly #maxInFlight: number;
  /** Batches sent and not answered yet. */
  readonly #inFlight = new Set<Promise<void>>();

  /**
   * `run` sends one batch; its rejection is what every caller of the batch gets. `maxInFlight`:
   * how many batches may be out at once. Default 1: under the store benchmark's load, larger
   * batches answered more a second with a shorter tail than two out at once (about 2,700 against
   * 2,300 answers/s, p99 33 against 54 ms, on this two-core machine).
   */
  constructor(run: (items: T[]) => Promise<void>, maxInFlight = 1) {
    this.#run = run;
    this.#maxInFlight = maxInFlight;
    this.#queue = new CommitQueue<T>({ mode: 'strict', onReady: () => this.#flush() });
  }

  /** Queues `item`: resolves once its batch is done, rejects with the batch's error. */
  push(item: T): Promise<void> {
    return this.#queue.push(item);
  }

  /** Resolves once every batch queued or sent is answered. */
  async drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight.size > 0) {
      this.#flush();
      await Promise.allSettled([...this.#inFlight]);
    }
  }

  #flush(): void {
    if (this.#inFlight.size >= this.#maxInFlight || this.#queue.length === 0) return;
    const { items, group } = this.#queue.take();
    const sent = this.#run(items).then(() => group?.resolve(), (err: Error) => group?.reject(err));
    this.#inFlight.add(sent);
    void sent.finally(() => {
      this.#inFlight.delete(sent);
      this.#flush(); // what queued while the batches were out
    });
  }
}
