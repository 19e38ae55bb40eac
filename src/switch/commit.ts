// The commit phase (as jPOS's TransactionManager's commit and abort): once the stages and respond
// have decided the answer, named participants run over the transaction in order. The journal is
// the one that may fail; when the record cannot be written, the abort participants run instead of
// the rest: the issuer's hold is given back and the terminal is answered 96 (no terminal holds an
// answer the audit log lacks). The pipeline (pipeline.ts) runs both lists.

import type { TraceSink } from '../trace/index.js';
import type { TxnContext } from './context.js';
import type { SwitchEnv } from './env.js';
import { acquirerOf, fieldText, stanOf, terminalOf } from './fields.js';
import type { TxnJournal } from './journal.js';
import { RC } from './result-codes.js';
import { callIssuer } from './stages/issuer-call.js';
import { respond } from './stages/respond.js';
import { TxnOutcome } from './txn-outcome.js';

/** What the commit participants work with besides the stages' env: where the transaction and its trace go. */
export interface CommitEnv extends SwitchEnv {
  readonly journal: TxnJournal;
  readonly traces: TraceSink;
}

/** A commit or abort participant: a plain function over the decided transaction; synchronous ones skip the await. */
export type Participant = (ctx: TxnContext, env: CommitEnv) => void | Promise<void>;

/** Hands the transaction to the journal; rejects when its record cannot be written (strict mode). */
function journal(ctx: TxnContext, env: CommitEnv): Promise<void> {
  return env.journal.record(TxnOutcome.of(ctx));
}

/**
 * Makes an approval reversible: only once its record stands, so that an approval answered 96
 * after all, whose hold is released, is no original to reverse.
 */
function remember(ctx: TxnContext, env: CommitEnv): void | Promise<void> {
  if (ctx.responseCode !== env.dialect.codes.APPROVED || ctx.holdId === null) return;
  const req = ctx.request;
  const ids = { mti: req.mti, stan: stanOf(req), transmission: fieldText(req, env.dialect.originalTimeDe), acquirer: acquirerOf(req), terminal: terminalOf(req) };
  // A shared store's promise: the answer leaves once another switch can find the approval too.
  return env.originals.remember(ids, ctx.route!.issuer, ctx.holdId);
}

/**
 * Keeps the answer for repeats of the request (dedupe claimed its key), unless it is a 96 (a
 * system failure: a resend deserves a new try) or there is none; then a resend is handled anew.
 */
function settle(ctx: TxnContext, env: CommitEnv): void | Promise<void> {
  const key = ctx.dedupeKey;
  if (key === null) return;
  if (ctx.responseBytes === null || ctx.responseCode === env.dialect.codes.SYSTEM_ERROR) return env.duplicates.abandon(key);
  // A shared store's promise: the answer leaves once a repeat on another switch would find it.
  return env.duplicates.settle(key, { bytes: ctx.responseBytes, responseCode: ctx.responseCode, approvalCode: ctx.approvalCode });
}

/** Hands the ended trace to the trace sink (which samples and exports off the answer's path). */
function exportTrace(ctx: TxnContext, env: CommitEnv): void {
  env.traces.export(ctx.trace);
}

/**
 * Gives back the hold of an approval the terminal is answered 96 for after all, as a reversal
 * would. Resolves either way; a failure is logged.
 */
async function release(ctx: TxnContext, env: CommitEnv): Promise<void> {
  if (ctx.responseCode !== env.dialect.codes.APPROVED || ctx.holdId === null || ctx.route === null) return;
  const issuer = env.issuers.get(ctx.route.issuer)!;
  const at = { evt: 'txn.hold_released', trace_id: ctx.trace.traceId, issuer: issuer.name };
  try {
    // The issuer answers in 1987 codes whatever the terminal's edition (IssuerDecision). A remote
    // issuer queues a reversal advice (0420), kept and repeated until the issuer acknowledges it.
    const holdId = ctx.holdId;
    const d = await callIssuer(ctx, env, issuer, ({ traceparent, rrn, callTrace }) => issuer.reverse(
      { message: ctx.request, holdId, traceId: ctx.trace.traceId, traceparent, rrn, cause: 'malfunction', callTrace },
      env.issuerTimeoutMs,
    ));
    if (d.responseCode === RC.APPROVED) env.logger.warn(at, 'hold of an approval answered 96 released');
    else env.logger.error({ ...at, evt: 'txn.hold_release_failed', rc: d.responseCode }, 'hold of an approval answered 96 not released');
  } catch (err) {
    env.logger.error({ ...at, evt: 'txn.hold_release_failed', err: { code: (err as { code?: string }).code } }, 'hold of an approval answered 96 not released');
  }
}

/**
 * The answer becomes the dialect's SYSTEM_ERROR, built again by respond (same RRN, no DE 38). The
 * root span, already ended, gets the new code and the error; it is not ended a second time.
 */
function answerSystemError(ctx: TxnContext, env: CommitEnv): void {
  ctx.decide(env.dialect.codes.SYSTEM_ERROR, 'audit record not written');
  ctx.responseBytes = null;
  respond(ctx, env);
  const root = ctx.trace.root;
  root.setAttribute('iso.response_code', ctx.responseCode);
  root.setAttribute('error.code', ctx.error!.code);
  root.setAttribute('error.type', ctx.error!.code);
  root.status = 'error';
}

/** The commit participants, in the order they run. */
export const COMMIT: ReadonlyArray<readonly [string, Participant]> = [
  ['journal', journal],
  ['remember', remember],
  ['settle', settle],
  ['export', exportTrace],
];

/** The participant whose failure aborts: until it has succeeded, the answer is not final. */
export const JOURNAL = 0;

/** The abort participants, in order: they run instead of the rest of COMMIT when the journal fails. */
export const ABORT: ReadonlyArray<readonly [string, Participant]> = [
  ['release', release],
  ['answer', answerSystemError],
  ['settle', settle],
  ['export', exportTrace],
];

/** The record of `ctx` could not be written: logs it loudly and runs the abort participants. */
export async function abort(ctx: TxnContext, env: CommitEnv, err: unknown): Promise<void> {
  const code = (err as { code?: string } | null)?.code ?? 'AUDIT_WRITE_FAILED';
  env.logger.error({ evt: 'txn.audit_failed', trace_id: ctx.trace.traceId, err: { code } }, 'audit record not written: answering 96');
  ctx.error = { code, field: null, offset: null };
  for (let i = 0; i < ABORT.length; i++) {
    const pending = ABORT[i][1](ctx, env);
    if (pending !== undefined) await pending;
  }
}
