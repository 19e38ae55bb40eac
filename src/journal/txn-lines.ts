// The txn.done lines the journal thread writes itself: for each outcome, the very text pino writes
// for txnLogLine's object and message (level, time, the logger's bindings, the fields, msg), from
// the switch's one builder of that line (txnDoneJson), without pino's per-line work (about 4.5 µs a
// line here), handed to its destination a batch at a time. The spec checks it against pino's output.

import { jsonString } from '../common/index.js';
import { txnDoneJson, txnDoneMessage, type TxnFailure, type TxnOutcome } from '../switch/index.js';

/** pino's number for info. */
const INFO = 30;

/**
 * HOT: the txn.done lines (each with its newline) of `outcomes`, logged at `timeMs` by a logger
 * whose bindings pino renders as `bindings` (e.g. `,"service":"isotrace"`). `failure` overrides
 * every outcome, as txnDoneJson's does.
 */
export function txnLines(outcomes: readonly TxnOutcome[], failure: TxnFailure | null, bindings: string, timeMs: number): string {
  const head = `{"level":${INFO},"time":${timeMs}${bindings},`;
  let out = '';
  for (const o of outcomes) out += `${head}${txnDoneJson(o, failure)},"msg":${jsonString(txnDoneMessage(o, failure))}}\n`;
  return out;
}
