// The stage pipeline (as jPOS's TransactionManager): runs validate, dedupe, route, authorize in
// order until one decides, then always respond. Times each stage, records it as a span, and turns
// any throw into RC 96 (or 91 for an issuer timeout) with the error kept for the audit record.

import { nowUs } from '../trace/index.js';
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
  ctx.decide(responseCodeFor(err), code === 'SWITCH_INTERNAL' ? `${name} failed` : code.toLowerCase().replaceAll('_', ' '));
  if (code === 'SWITCH_INTERNAL') {
    env.logger.error({ evt: 'txn.stage_failed', stage: name, trace_id: ctx.trace.traceId, err: { message: (err as Error)?.message } }, 'stage threw');
  }
  return code;
}

/** HOT: runs one stage with timing, a span and error containment; no await when the stage is synchronous. */
function runStage(ctx: TxnContext, env: SwitchEnv, name: string, stage: Stage): void | Promise<void> {
  const span = ctx.trace.startSpan(name);
  const finish = (status: 'ok' | 'error'): void => {
    const end = nowUs();
    span.end(status, end);
    ctx.stages.push({ name, startUs: span.startUs - ctx.receivedAtUs, durationUs: end - span.startUs, status });
  };
  const fail = (err: unknown): void => {
    span.setAttribute('error.code', contain(ctx, env, name, err));
    finish('error');
  };
  let pending: void | Promise<void>;
  try {
    pending = stage(ctx, env);
  } catch (err) {
    fail(err);
    return;
  }
  if (pending === undefined) {
    finish('ok');
    return;
  }
  return pending.then(() => finish('ok'), fail);
}

/** Runs the stages over `ctx`; afterwards ctx.responseBytes holds the answer (unless even that failed). */
export async function runPipeline(ctx: TxnContext, env: SwitchEnv): Promise<void> {
  for (const [name, stage] of STAGES) {
    if (ctx.isDecided) break;
    const pending = runStage(ctx, env, name, stage);
    if (pending !== undefined) await pending;
  }
  runStage(ctx, env, 'respond', respond); // respond is synchronous

}
