// TxnJournal: where a finished transaction goes: its audit record (AuditAppender) and its txn.done
// log line. InlineJournal does both on the calling thread; src/journal's JournalThread does the same
// work, with the same functions, on a worker thread. The line is logged once the record's fate is
// known, so that it shows what the terminal was answered.

import { auditRecordJson } from '../audit/index.js';
import type { Logger } from '../common/index.js';
import { IdSource } from '../trace/index.js';
import { txnLogLine } from './txn-done.js';
import type { TxnOutcome } from './txn-outcome.js';

/**
 * The audit trail (src/audit's AuditWriter), given each record as the JSON text of one object. In
 * strict mode the promise settles once the record is on disk.
 */
export interface AuditAppender {
  append(recordJson: string): Promise<void>;
}

export interface TxnJournal {
  /**
   * Takes a finished transaction. Resolves once its record is on disk (strict mode) or at once
   * (async mode, or no audit trail).
   * @throws (rejects) when its record could not be written in strict mode: the answer becomes 96.
   */
  record(outcome: TxnOutcome): Promise<void>;
}

export class InlineJournal implements TxnJournal {
  readonly #audit: AuditAppender | null;
  readonly #log: Logger;
  readonly #ids = new IdSource();

  constructor(audit: AuditAppender | null, logger: Logger) {
    this.#audit = audit;
    this.#log = logger;
  }

  async record(outcome: TxnOutcome): Promise<void> {
    if (this.#audit !== null) {
      try {
        await this.#audit.append(auditRecordJson(outcome, this.#ids));
      } catch (err) {
        this.#logLine(outcome, { code: (err as { code?: string }).code ?? 'AUDIT_WRITE_FAILED' });
        throw err;
      }
    }
    this.#logLine(outcome, null);
  }

  #logLine(outcome: TxnOutcome, failure: { code: string } | null): void {
    if (!this.#log.isLevelEnabled('info')) return;
    const { obj, msg } = txnLogLine(outcome, failure);
    this.#log.info(obj, msg);
  }
}
