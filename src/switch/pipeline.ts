// The stage pipeline (as jPOS's TransactionManager): runs validate, dedupe, route, authorize in
// order until one decides, then always respond. Times each stage as a span of its own, and turns
// any throw into RC 96 (or 91 for an issuer timeout) with the error kept for the audit record.

import { nowUs, type SpanRecord } from '../trace/index.js';
import type { TxnContext } from './context.js';
import type { SwitchEnv } from './env.js';
import { responseCodeFor } from './result-codes.js';
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
  span.setAttribute('error.code', contain(ctx, env, span.name, err));
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
 * Runs the stages over `ctx`; afterwards ctx.responseBytes holds the answer (unless even that
 * failed). Each stage starts where the one before it ended, so stage timings tile the pipeline.
 */
export async function runPipeline(ctx: TxnContext, env: SwitchEnv): Promise<void> {
  const root = ctx.trace.root;
  let at = nowUs();
  for (let i = 0; i < STAGES.length && !ctx.isDecided; i++) {
    const span = ctx.trace.startSpan(STAGES[i][0], root, at);
    const pending = runStage(ctx, env, span, STAGES[i][1]);
    if (pending !== undefined) await pending;
    at = span.endUs;
  }
  runStage(ctx, env, ctx.trace.startSpan('respond', root, at), respond); // respond is synchronous
}
