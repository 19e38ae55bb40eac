// The stage pipeline (as jPOS's TransactionManager): runs validate, dedupe, route, authorize in
// order until one decides, then always respond. Times each stage as a span of its own, and turns
// any throw into RC 96 (or 91 for an issuer timeout) with the error kept for the audit record.
// Then it ends the trace's root span and runs the commit phase (commit.ts), or its abort path.

import { nowUs, type AttributeValue, type SpanRecord } from '../trace/index.js';
import { abort, COMMIT, JOURNAL, type CommitEnv } from './commit.js';
import type { TxnContext } from './context.js';
import type { SwitchEnv } from './env.js';
import { rrnOf, stanOf, terminalOf } from './fields.js';
import { isSystemFailure, responseCodeFor } from './result-codes.js';
import { authorize } from './stages/authorize.js';
import { dedupe } from './stages/dedupe.js';
import { respond } from './stages/respond.js';
import { route } from './stages/route.js';
import { validate } from './stages/validate.js';

/** A stage: a plain function over the transaction; synchronous ones skip the await. */
export type Stage = (ctx: TxnContext, env: SwitchEnv) => void | Promise<void>;

export const STAGES: ReadonlyArray<readonly [string, Stage]> = [
  ['validate', validate],
  ['dedupe', dedupe],
  ['route', route],
  ['authorize', authorize],
];

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'SWITCH_INTERNAL';
}

function contain(ctx: TxnContext, env: SwitchEnv, name: string, err: unknown): string {
  const code = errorCode(err);
  ctx.error = { code, field: null, offset: null };
  ctx.decide(responseCodeFor(err, env.dialect.codes), code === 'SWITCH_INTERNAL' ? `${name} failed` : code.toLowerCase().replaceAll('_', ' '));
  if (code === 'SWITCH_INTERNAL') {
    env.logger.error({ evt: 'txn.stage_failed', stage: name, trace_id: ctx.trace.traceId, err: { message: (err as Error)?.message } }, 'stage threw');
  }
  return code;
}

/** A stage threw: its span says so, and the transaction gets the code's answer. */
function failStage(ctx: TxnContext, env: SwitchEnv, span: SpanRecord, err: unknown): void {
  const code = contain(ctx, env, span.name, err);
  span.setAttribute('error.code', code);
  span.setAttribute('error.type', code);
  span.end('error', nowUs());
}

/**
 * HOT: runs one stage in its own span (the span is the stage's timing too) with error
 * containment; no await and no closure when the stage is synchronous.
 */
function runStage(ctx: TxnContext, env: SwitchEnv, span: SpanRecord, stage: Stage): void | Promise<void> {
  let pending: void | Promise<void>;
  try {
    pending = stage(ctx, env);
  } catch (err) {
    failStage(ctx, env, span, err);
    return;
  }
  if (pending === undefined) {
    span.end('ok', nowUs());
    return;
  }
  return pending.then(() => span.end('ok', nowUs()), (err: unknown) => failStage(ctx, env, span, err));
}

/**
 * Ends the transaction's root span: completion time and its attributes (never card data, never an
 * empty string). Status ERROR with `error.type` for a system failure (isSystemFailure), not for a decline.
 */
function endRoot(ctx: TxnContext, env: SwitchEnv): void {
  ctx.completedAtUs = nowUs();
  const req = ctx.request;
  const rc = ctx.responseCode;
  const attrs: Record<string, AttributeValue> = { 'iso.mti': req.mti, 'iso.response_code': rc };
  const stan = stanOf(req);
  if (stan !== '') attrs['iso.stan'] = stan;
  const terminal = terminalOf(req);
  if (terminal !== '') attrs['iso.terminal_id'] = terminal;
  const rrn = ctx.response === null ? rrnOf(req) : rrnOf(ctx.response);
  if (rrn !== '') attrs['iso.rrn'] = rrn;
  if (ctx.route !== null && ctx.route.issuer !== '') attrs['iso.issuer'] = ctx.route.issuer;
  const conn = ctx.conn;
  if (conn.remoteAddress !== undefined) {
    attrs['network.transport'] = 'tcp';
    attrs['network.peer.address'] = conn.remoteAddress;
    attrs['network.peer.port'] = conn.remotePort!;
    attrs['server.address'] = conn.localAddress!;
    attrs['server.port'] = conn.localPort!;
  }
  if (ctx.isDuplicate) attrs['isotrace.duplicate'] = true;
  if (ctx.error !== null) attrs['error.code'] = ctx.error.code;
  const isFailure = isSystemFailure(rc, env.dialect.codes);
  if (isFailure) attrs['error.type'] = ctx.error?.code ?? rc;
  ctx.trace.root.attributes = attrs;
  ctx.trace.root.end(isFailure ? 'error' : 'ok', ctx.completedAtUs);
}

/**
 * HOT: runs the stages over `ctx`, then respond, then the commit participants; afterwards
 * ctx.responseBytes holds the answer to send (unless even building it failed). Each stage starts
 * where the one before it ended, so stage timings tile the pipeline. Only the journal's failure
 * aborts: then the abort participants run instead of the rest, and the answer is a 96.
 */
export async function runPipeline(ctx: TxnContext, env: CommitEnv): Promise<void> {
  const root = ctx.trace.root;
  let at = nowUs();
  for (let i = 0; i < STAGES.length && !ctx.isDecided; i++) {
    const span = ctx.trace.startSpan(STAGES[i][0], root, at);
    ctx.stageSpan = span;
    const pending = runStage(ctx, env, span, STAGES[i][1]);
    if (pending !== undefined) await pending;
    at = span.endUs;
  }
  runStage(ctx, env, ctx.trace.startSpan('respond', root, at), respond); // respond is synchronous
  if (ctx.decodeError === null && ctx.responseCode === env.dialect.codes.FORMAT_ERROR) env.onFormatError?.(ctx.conn);
  endRoot(ctx, env);
  let i = 0;
  try {
    for (; i < COMMIT.length; i++) {
      const pending = COMMIT[i][1](ctx, env);
      if (pending !== undefined) await pending;
    }
  } catch (err) {
    if (i !== JOURNAL) throw err; // the participants after the journal do not fail: a throw there is a bug
    await abort(ctx, env, err);
  } finally {
    // Remembered (or released): reversals waiting for this request go on.
    if (ctx.inFlightKey !== null) env.originals.inFlight.end(ctx.inFlightKey);
  }
}
