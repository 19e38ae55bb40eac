// AdviceQueue: what a remote issuer and its advice forwarder need of a store-and-forward queue.
// SafQueue (files, one process) and the PostgreSQL store's queue (several nodes) both provide it.
// Types only.

import type { SafAdvice, SafDelivery, SafEntry } from './entry.js';

export interface AdviceQueue {
  /**
   * Queues `advice`; resolves with its id once it is durable (on disk, or committed). The switch
   * answers the terminal only after that.
   * @throws (rejects) SafError SAF_FORBIDDEN_FIELD, SAF_BAD_ENTRY; the queue's own write errors.
   */
  enqueue(advice: SafAdvice): Promise<number>;
  /**
   * The oldest entry owed to `issuer` that this process may deliver now, and how it goes out (0420
   * or the repeat 0421); null when nothing is owed, or another process delivers `issuer`'s.
   */
  next(issuer: string): SafDelivery | null | Promise<SafDelivery | null>;
  /**
   * Records that entry `id` is being sent, durably before it is sent. `inFlightMs`: how long the
   * send may take (the link's timeout); a queue shared by several processes lets no repeat start
   * before it has run. Resolves with what to send.
   */
  markSent(id: number, inFlightMs?: number): Promise<SafDelivery>;
  /** The issuer answered: entry `id` is no longer owed (exactly once). */
  acknowledge(id: number): Promise<SafEntry>;
  /** How much `issuer` is owed, for metrics: the count and when the oldest became owed (ms), without I/O. */
  depth(issuer: string): { count: number; oldestCreatedAt: number | null };
  /** Issuers owed at least one entry (as far as the queue knows without I/O). */
  issuers(): string[];
  close(): Promise<void>;
  /**
   * Calls `wake` whenever `issuer`'s advices may have become deliverable here without this process
   * doing anything (another process queued one, stopped delivering or died; a retry). Absent: only
   * this process changes the queue.
   */
  watch?(issuer: string, wake: () => void): void;
  /**
   * This process stops delivering `issuer`'s advices for now (nothing in flight): another may take
   * them once the promise resolves. Never rejects.
   */
  release?(issuer: string): Promise<void>;
}
