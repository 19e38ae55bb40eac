// Stage authorize: asks the routed issuer (authorizations, financial requests, reversals) or
// answers network management itself (codec's NETWORK_CODES: 0800 DE 70 001 sign-on, 002 sign-off,
// 301 echo; 1804 DE 24 801, 802, 831). Issuers answer in 1987 codes; the dialect turns them into what the wire carries.
// Also what the Switch does with an approval once its fate is known: remember it for reversals, or
// release its hold.

import type { IsoMessage } from '../../codec/index.js';
import type { IssuerBackend, IssuerDecision } from '../../shared/index.js';
import type { TxnContext } from '../context.js';
import type { SwitchEnv } from '../env.js';
import { acquirerOf, amountOf, expiryOf, fieldText, stanOf, terminalOf } from '../fields.js';
import { RC } from '../result-codes.js';

function network(ctx: TxnContext, env: SwitchEnv): void {
  const { codes, networkCodes, networkCodeDe } = env.dialect;
  const code = String(ctx.request.get(networkCodeDe));
  const what = networkCodes[code];
  if (what === undefined) ctx.decide(codes.INVALID_TRANSACTION, `network management code ${code} is not handled`);
  else ctx.decide(codes.NETWORK_ACCEPTED, what);
}

/** The issuer's decision, its code in the wire's edition (RC.APPROVED is the issuer's approval). */
function apply(ctx: TxnContext, env: SwitchEnv, d: IssuerDecision): void {
  ctx.holdId = d.holdId;
  ctx.decide(env.dialect.fromIssuer(d.responseCode), d.reason, d.responseCode === RC.APPROVED ? d.approvalCode : null);
}

async function reverse(ctx: TxnContext, env: SwitchEnv, issuer: IssuerBackend<IsoMessage>): Promise<void> {
  const original = ctx.original!;
  if (original.reversal !== null) {
    const first = await original.reversal;
    if (first.responseCode === RC.APPROVED) {
      ctx.decide(env.dialect.codes.REVERSAL_ACCEPTED, 'already reversed');
      return;
    }
  }
  const pending = issuer.reverse({ message: ctx.request, holdId: original.holdId, traceId: ctx.trace.traceId }, env.issuerTimeoutMs);
  original.reversal = pending;
  try {
    const d = await pending;
    if (d.responseCode !== RC.APPROVED) original.reversal = null;
    ctx.decide(d.responseCode === RC.APPROVED ? env.dialect.codes.REVERSAL_ACCEPTED : env.dialect.fromIssuer(d.responseCode), d.reason);
  } catch (err) {
    original.reversal = null;
    throw err;
  }
}

export async function authorize(ctx: TxnContext, env: SwitchEnv): Promise<void> {
  if (ctx.kind === 'network') {
    network(ctx, env);
    return;
  }
  const issuer = env.issuers.get(ctx.route!.issuer)!;
  if (ctx.kind === 'reversal') {
    await reverse(ctx, env, issuer);
    return;
  }
  const req = ctx.request;
  const decision = await issuer.authorize(
    {
      kind: ctx.kind === 'financial' ? 'financial' : 'authorization',
      message: req,
      pan: ctx.pan!,
      expiry: expiryOf(req),
      amountMinor: amountOf(req),
      currency: String(req.get(49) ?? ''),
      processingCode: String(req.get(3) ?? ''),
      traceId: ctx.trace.traceId,
    },
    env.issuerTimeoutMs,
  );
  apply(ctx, env, decision);
}

/**
 * Makes an approval reversible: called once its answer stands (its audit record written), so that
 * an approval answered 96 after all, whose hold is released, is no original to reverse.
 */
export function rememberApproval(ctx: TxnContext, env: SwitchEnv): void {
  if (ctx.responseCode !== env.dialect.codes.APPROVED || ctx.holdId === null) return;
  const req = ctx.request;
  const ids = { mti: req.mti, stan: stanOf(req), transmission: fieldText(req, env.dialect.originalTimeDe), acquirer: acquirerOf(req), terminal: terminalOf(req) };
  env.originals.remember(ids, ctx.route!.issuer, ctx.holdId);
}

/**
 * Gives back the hold of an approval the terminal was answered 96 for after all (its audit record
 * could not be written), as a reversal would. Resolves either way; a failure is logged.
 */
export async function releaseHold(ctx: TxnContext, env: SwitchEnv): Promise<void> {
  if (ctx.holdId === null || ctx.route === null) return;
  const issuer = env.issuers.get(ctx.route.issuer)!;
  const at = { evt: 'txn.hold_released', trace_id: ctx.trace.traceId, issuer: issuer.name };
  // TODO(#15): a remote issuer needs a reversal advice (0420) for this, kept and sent until acknowledged.
  try {
    // The issuer answers in 1987 codes whatever the terminal's edition (IssuerDecision).
    const d = await issuer.reverse({ message: ctx.request, holdId: ctx.holdId, traceId: ctx.trace.traceId }, env.issuerTimeoutMs);
    if (d.responseCode === RC.APPROVED) env.logger.warn(at, 'hold of an approval answered 96 released');
    else env.logger.error({ ...at, evt: 'txn.hold_release_failed', rc: d.responseCode }, 'hold of an approval answered 96 not released');
  } catch (err) {
    env.logger.error({ ...at, evt: 'txn.hold_release_failed', err: { code: (err as { code?: string }).code } }, 'hold of an approval answered 96 not released');
  }
}
