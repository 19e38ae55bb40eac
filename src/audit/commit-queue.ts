// CommitQueue: the batching of group commit, once for both its users: AuditWriter (records waiting
// for the next write + fdatasync) and the journal thread (summaries waiting to be posted to its
// worker). Items queued in one event-loop turn form one batch; the audit mode takes effect here.

import { CommitGroup } from './commit-group.js';
import type { AuditMode } from './writer-options.js';

const RESOLVED = Promise.resolve();

/** What take() hands over: the items, and in strict mode the promise their callers await. */
export interface CommitBatch<T> {
  readonly items: T[];
  /** Settle it with the batch's fate; null when nobody waits for this batch (async mode). */
  readonly group: CommitGroup | null;
}

export interface CommitQueueOptions {
  /** `strict`: push() resolves with its batch's fate. `async`: at once. */
  mode: AuditMode;
  /**
   * Called once per event-loop turn that queued something (setImmediate, so that the pushes of
   * every socket read of the turn join one batch), and at once when the queue reaches `readyAt`.
   * It takes the batch with take() when it can; whatever it leaves stays for the next call.
   */
  onReady: () => void;
  /** Strict mode: the batch is ready at this many items, without waiting for the turn to end (default: never). */
  readyAt?: number;
}

export class CommitQueue<T> {
  readonly #isStrict: boolean;
  readonly #readyAt: number;
  readonly #onReady: () => void;
  #items: T[] = [];
  #group: CommitGroup | null = null;
  #isScheduled = false;

  constructor(options: CommitQueueOptions) {
    this.#isStrict = options.mode === 'strict';
    this.#readyAt = this.#isStrict ? options.readyAt ?? Infinity : Infinity;
    this.#onReady = options.onReady;
  }

  /** Items queued and not yet taken. */
  get length(): number {
    return this.#items.length;
  }

  /**
   * HOT: queues `item` for the batch being filled. Strict mode: the promise of that batch, shared
   * by all its items (no promise or closure per item); async mode: resolved at once.
   */
  push(item: T): Promise<void> {
    this.#items.push(item);
    const settled = this.#isStrict ? (this.#group ??= new CommitGroup()).promise : RESOLVED;
    if (this.#items.length >= this.#readyAt) this.#onReady();
    else if (!this.#isScheduled) {
      this.#isScheduled = true;
      setImmediate(this.#ready);
    }
    return settled;
  }

  /**
   * The fate of the batch being filled, in either mode: for a consumer that must know it though
   * its callers do not wait (the journal thread logs its lines once their records are written).
   */
  whenCommitted(): Promise<void> {
    return this.#items.length === 0 ? RESOLVED : (this.#group ??= new CommitGroup()).promise;
  }

  /** Takes everything queued as one batch; the queue starts over empty. */
  take(): CommitBatch<T> {
    const batch: CommitBatch<T> = { items: this.#items, group: this.#group };
    this.#items = [];
    this.#group = null;
    return batch;
  }

  /** Drops what is queued: its waiting callers get `err`. */
  fail(err: Error): void {
    this.#group?.reject(err);
    this.take();
  }

  readonly #ready = (): void => {
    this.#isScheduled = false;
    this.#onReady();
  };
}
