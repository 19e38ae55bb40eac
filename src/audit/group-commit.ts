// GroupCommit: the commit loop of group commit, once for the audit log's writers (AuditWriter on
// disk, the store's TxnLogWriter in PostgreSQL) and the store-and-forward queues: one batch in flight at a time; whatever is pushed
// meanwhile goes as the next batch, each batch's callers settled with its fate. The batching and
// the audit mode are CommitQueue's.

import { CommitQueue } from './commit-queue.js';
import type { AuditMode } from './writer-options.js';

export interface GroupCommitOptions<T> {
  /** `strict`: push() resolves with its batch's fate. `async`: at once. */
  mode: AuditMode;
  /** Writes one batch (in order); rejects when it did not. Never called twice at once. */
  commit: (items: T[]) => Promise<void>;
  /**
   * Runs when the batches in flight are done and nothing is queued, before the loop ends (a file's
   * compaction, between batches); what is pushed meanwhile goes after it. Must not reject.
   */
  idle?: () => Promise<void> | void;
}

export class GroupCommit<T> {
  readonly #queue: CommitQueue<T>;
  readonly #commit: (items: T[]) => Promise<void>;
  readonly #idle: (() => Promise<void> | void) | null;
  #flushing: Promise<void> | null = null;
  #isDraining = false;
  #failedInDrain: Error | null = null;

  constructor(options: GroupCommitOptions<T>) {
    this.#commit = options.commit;
    this.#idle = options.idle ?? null;
    this.#queue = new CommitQueue({ mode: options.mode, onReady: this.#start });
  }

  /** Items pushed and not yet in a batch. */
  get length(): number {
    return this.#queue.length;
  }

  /** HOT: queues `item` for the next batch (CommitQueue.push). */
  push(item: T): Promise<void> {
    return this.#queue.push(item);
  }

  /** The fate of the items pushed and not yet in a batch in flight, in either mode. */
  whenCommitted(): Promise<void> {
    return this.#queue.whenCommitted();
  }

  /**
   * Resolves once everything pushed so far has been committed or has failed: with the error of the
   * last batch that failed meanwhile, or null when none did (a writer's close() throws it).
   */
  async drain(): Promise<Error | null> {
    this.#failedInDrain = null;
    this.#isDraining = true;
    try {
      while (this.#flushing !== null || this.#queue.length > 0) {
        this.#start();
        await this.#flushing;
      }
    } finally {
      this.#isDraining = false;
    }
    return this.#failedInDrain;
  }

  // The queue's onReady, once per turn that pushed: a batch in flight takes the next one itself.
  readonly #start = (): void => {
    // Only with work queued: a loop that found nothing would end before #flushing is set.
    if (this.#flushing === null && this.#queue.length > 0) this.#flushing = this.#loop();
  };

  async #loop(): Promise<void> {
    do {
      while (this.#queue.length > 0) {
        const { items, group } = this.#queue.take();
        try {
          await this.#commit(items);
          group?.resolve();
        } catch (err) {
          if (this.#isDraining) this.#failedInDrain = err as Error;
          group?.reject(err as Error);
        }
      }
      if (this.#idle !== null) await this.#idle();
    } while (this.#queue.length > 0);
    this.#flushing = null;
  }
}
