// The worker side of JournalThread: makes each transaction's audit record text and txn.done line
// from its outcome (the same functions InlineJournal uses), appends the records with an
// AuditWriter in the journal's mode, and logs the lines once their batch's fate is known (in either
// mode). Logs through Logger only: the main thread's, or one made by the module it is given.

import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AuditBatchStats, AuditWriter, NODE_AUDIT_FS_SYNC, auditRecordJson } from '../audit/index.js';
import { SwitchError, type LogLevel, type Logger } from '../common/index.js';
import { TxnLogWriter } from '../store/index.js';
import { TxnOutcome, txnLogLine } from '../switch/index.js';
import { IdSource } from '../trace/index.js';
import type { Failure, JournalInit, LineLogger, LineLoggerFactory, ToMain, ToWorker } from './journal-protocol.js';
import { txnLines } from './txn-lines.js';

const port = parentPort!;
const init = workerData as JournalInit;
const send = (m: ToMain): void => port.postMessage(m);

const forward = (level: LogLevel) => (obj: object, msg?: string): void => send({ t: 'log', level, obj, msg: msg ?? '' });
/** The main thread's logger, reached by message: for the writer's rare lines, and txn lines when no fd is given. */
const toMain: Logger = {
  trace: forward('trace'), debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error'),
  child: () => toMain,
  isLevelEnabled: () => true,
};
/** This thread's own logger, for txn.done lines (synchronous: one write per batch, straight from this thread); null: they go to the main thread. */
let own: LineLogger | null = null;
let txnLog: Logger = toMain;

/** Makes `own` with the factory of the module named in `init.log`. */
async function openOwnLog(log: NonNullable<JournalInit['log']>): Promise<void> {
  const { createLogger } = (await import(log.module)) as { createLogger: LineLoggerFactory };
  own = createLogger(log.level, log.dest, true, log.service);
  txnLog = own.logger;
}

function failure(err: unknown): Failure {
  return err instanceof SwitchError ? { code: err.code, message: err.message } : { code: 'AUDIT_WRITE_FAILED', message: String((err as Error)?.message ?? err) };
}

/** What the worker writes records with: the audit directory's AuditWriter, or the store's TxnLogWriter. */
type RecordWriter = Pick<AuditWriter, 'append' | 'whenWritten' | 'close' | 'stats' | 'head'>;

function openWriter(key: Buffer | null, batchStats: AuditBatchStats | null): Promise<RecordWriter> {
  if (init.store !== null) {
    return TxnLogWriter.open({ connection: init.store.connection, nodeId: init.store.nodeId, mode: init.mode, key, logger: toMain, batchStats, retentionDays: init.retentionDays });
  }
  return AuditWriter.open({
    dir: init.dir, mode: init.mode, key, maxFileBytes: init.maxFileBytes, retentionDays: init.retentionDays, retentionBytes: init.retentionBytes, logger: toMain, fs: NODE_AUDIT_FS_SYNC, batchStats,
  });
}

function logLines(outcomes: TxnOutcome[], failed: Failure | null): void {
  if (!txnLog.isLevelEnabled('info')) return;
  if (own !== null) {
    own.write(txnLines(outcomes, failed, own.bindings, Date.now()));
    return;
  }
  for (const o of outcomes) {
    const { obj, msg } = txnLogLine(o, failed);
    txnLog.info(obj, msg);
  }
}

/**
 * Answers a batch and logs its lines. Lines written here go after the answer (the answers wait for
 * it, the lines do not); lines sent to the main thread go before it, so that they are logged by the
 * time a terminal holds its answer.
 */
function settled(answer: ToMain, outcomes: TxnOutcome[], failed: Failure | null): void {
  if (own === null) logLines(outcomes, failed);
  send(answer);
  if (own !== null) logLines(outcomes, failed);
}

/**
 * Lowers this thread's priority by `by` (up to nice 19) and returns its nice value. Linux only:
 * there a nice value belongs to a thread, elsewhere it would slow the whole process.
 */
function lowerPriority(by: number): number {
  if (process.platform !== 'linux') return 0;
  const nice = getPriority();
  if (by <= 0 || nice >= 19) return nice;
  try {
    setPriority(Math.min(19, nice + by));
  } catch {
    // Not allowed here: the thread keeps the priority it has.
  }
  return getPriority();
}

async function main(): Promise<void> {
  const ids = new IdSource();
  let writer: RecordWriter;
  try {
    if (init.log !== null) await openOwnLog(init.log);
    const key = init.key === null ? null : Buffer.from(init.key);
    writer = await openWriter(key, init.batchStats === null ? null : new AuditBatchStats(init.batchStats));
  } catch (err) {
    send({ t: 'open-failed', ...failure(err) });
    return;
  }
  send({ t: 'opened', nice: lowerPriority(init.niceBy) });
  port.on('message', (m: ToWorker) => {
    if (m.t === 'batch') {
      const outcomes = m.outcomes.map(TxnOutcome.fromWire);
      for (const o of outcomes) void writer.append(auditRecordJson(o, ids));
      writer.whenWritten().then(
        () => settled({ t: 'done', n: m.n }, outcomes, null),
        (err: unknown) => {
          const f = failure(err);
          // In async mode the terminals had their answers already: the lines say what they were told.
          settled({ t: 'failed', n: m.n, ...f }, outcomes, init.mode === 'strict' ? f : null);
        },
      );
      return;
    }
    if (m.t === 'reopen-log') {
      own?.reopen();
      return;
    }
    // The worker's lines are flushed before it answers: they come before anything logged after close.
    const closed = (error: Failure | null): void => {
      own?.flush();
      send({ t: 'closed', stats: writer.stats, head: writer.head, error });
      port.close();
    };
    writer.close().then(() => closed(null), (err: unknown) => closed(failure(err)));
  });
}

void main();
