// Stage authorize: asks the routed issuer (authorizations, financial requests, reversals) or
// answers network management itself (codec's NETWORK_CODES: 0800 DE 70 001 sign-on, 002 sign-off,
// 301 echo; 1804 DE 24 801, 802, 831). Issuers answer in 1987 codes; the dialect turns them into what the wire carries.
// What becomes of an approval once its fate is known (remembered for reversals, or its hold
// released) is the commit phase's (commit.ts).

import type { IsoMessage } from '../../codec/index.js';
import type { AuthorizationRequest, IssuerBackend, IssuerDecision } from '../../common/index.js';
import type { TxnContext } from '../context.js';
import type { SwitchEnv } from '../env.js';
import { amountOf, expiryOf } from '../fields.js';
import { RC } from '../result-codes.js';
import { callIssuer } from './issuer-call.js';

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
  if (d.fields !== undefined) ctx.issuerFields = d.fields;
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
  const pending = callIssuer(ctx, env, issuer, ({ traceparent, rrn, callTrace }) => issuer.reverse(
    { message: ctx.request, holdId: original.holdId, traceId: ctx.trace.traceId, traceparent, rrn, cause: 'cancellation', callTrace },
    env.issuerTimeoutMs,
  ));
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
  const request: AuthorizationRequest<IsoMessage> = {
    kind: ctx.kind === 'financial' ? 'financial' : 'authorization',
    message: req,
    pan: ctx.pan!,
    expiry: expiryOf(req),
    amountMinor: amountOf(req),
    currency: String(req.get(49) ?? ''),
    processingCode: String(req.get(3) ?? ''),
    traceId: ctx.trace.traceId,
    traceparent: null,
    rrn: '',
  };
  const decision = issuer.isRemote === true
    ? await callIssuer(ctx, env, issuer, (c) => issuer.authorize({ ...request, ...c }, env.issuerTimeoutMs))
    : await issuer.authorize(request, env.issuerTimeoutMs);
  apply(ctx, env, decision);
}
