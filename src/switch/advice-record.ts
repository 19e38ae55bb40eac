// The audit record of a reversal advice the switch delivered on its own, from its store-and-forward
// queue, once the issuer acknowledged it: a transaction of its own (the advice as sent, the
// issuer's answer, the route to that issuer), in the trace of the transaction it reverses, and
// through the same journal and trace sink as every answered request.

import type { IsoMessage } from '../codec/index.js';
import { nowUs, parseTraceparent, TraceRecord, type IdSource } from '../trace/index.js';
import type { CommitEnv } from './commit.js';
import { TxnContext } from './context.js';
import { auditBin } from './routing.js';
import { TxnOutcome } from './txn-outcome.js';

/** An advice the switch sent and the issuer answered. */
export interface DeliveredAdvice {
  readonly issuer: string;
  /** The advice as the link sent it (0420, or the repeat 0421). */
  readonly sent: IsoMessage;
  readonly answer: IsoMessage;
  /** The traceparent of the transaction it reverses (its issuer call), or null. */
  readonly traceparent: string | null;
  /** Why it was owed: `timeout`, `cancellation`, `malfunction`. */
  readonly reason: string;
  /** Sends it took. */
  readonly attempts: number;
}

/** Records `advice` in the journal (resolves once on disk in strict mode) and exports its trace. */
export async function recordAdvice(advice: DeliveredAdvice, env: CommitEnv, ids: IdSource): Promise<void> {
  const at = nowUs();
  const parent = advice.traceparent === null ? null : parseTraceparent(advice.traceparent);
  const trace = new TraceRecord(ids, `iso8583 ${advice.sent.mti} advice`, at, parent);
  const ctx = new TxnContext(trace, { connId: `saf:${advice.issuer}`, remote: advice.issuer }, at, advice.sent, null);
  ctx.kind = 'reversal';
  const pan = advice.sent.get(2);
  ctx.route = { issuer: advice.issuer, bin: typeof pan === 'string' && pan.length >= 6 ? auditBin(pan.slice(0, 6)) : '' };
  ctx.response = advice.answer;
  const rc = advice.answer.get(39);
  ctx.decide(typeof rc === 'string' ? rc : '', `reversal advice acknowledged after ${advice.attempts} send(s) (${advice.reason})`);
  ctx.completedAtUs = nowUs();
  trace.root.kind = 'client'; // the switch's own call to the issuer, not a request it served
  trace.root.attributes = { 'iso.mti': advice.sent.mti, 'iso.issuer': advice.issuer, 'isotrace.reason': advice.reason };
  if (ctx.responseCode !== '') trace.root.setAttribute('iso.response_code', ctx.responseCode);
  trace.root.end('ok', ctx.completedAtUs);
  await env.journal.record(TxnOutcome.of(ctx));
  env.traces.export(trace);
}
