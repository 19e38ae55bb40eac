// A call to a remote issuer, traced: a CLIENT span of its own under the stage's (`issuer <name>`), whose
// W3C traceparent the issuer's link carries so that the issuer host's spans join the same trace,
// and the RRN the answer will carry, assigned before the call so that the issuer gets it too. The
// in-process stub gets neither: its calls cost nothing more.

import type { IsoMessage } from '../../codec/index.js';
import type { IssuerBackend, IssuerCallTrace, PeerEndpoint } from '../../common/index.js';
import { formatTraceparent, nowUs, type SpanRecord } from '../../trace/index.js';
import type { TxnContext } from '../context.js';
import type { SwitchEnv } from '../env.js';
import { SWITCH_RRNS } from '../rrn.js';

/** What a remote issuer's request carries besides the transaction's own fields. */
export interface CallContext {
  traceparent: string | null;
  rrn: string;
  /** Where the backend records the link it sent the request on (null for the stub). */
  callTrace: IssuerCallTrace | null;
}

const STUB_CALL: CallContext = Object.freeze({ traceparent: null, rrn: '', callTrace: null });

/**
 * OpenTelemetry's client-span attributes of where the request went: `server.*` the endpoint as the
 * routes file names it, `network.peer.*` the address the link reached; none when it went nowhere.
 */
function setEndpoint(span: SpanRecord, e: PeerEndpoint | null): void {
  if (e === null) return;
  span.setAttribute('server.address', e.host);
  span.setAttribute('server.port', e.port);
  if (e.peerAddress !== null && e.peerAddress !== '') span.setAttribute('network.peer.address', e.peerAddress);
  if (e.peerPort !== null) span.setAttribute('network.peer.port', e.peerPort);
}

/**
 * Runs `call` against `issuer`: for a remote one inside its own span (ended with the call's fate,
 * and the endpoint the backend sent the request to), with the span's traceparent and the
 * transaction's RRN; for the stub as is.
 */
export async function callIssuer<T>(ctx: TxnContext, env: SwitchEnv, issuer: IssuerBackend<IsoMessage>, call: (c: CallContext) => Promise<T>): Promise<T> {
  if (issuer.isRemote !== true) return call(STUB_CALL);
  if (ctx.rrn === '' && !ctx.request.has(37)) ctx.rrn = SWITCH_RRNS.next(ctx.receivedAtUs);
  const span = ctx.trace.startSpan(`issuer ${issuer.name}`, ctx.stageSpan ?? ctx.trace.root, nowUs());
  span.kind = 'client';
  span.setAttribute('isotrace.issuer', issuer.name);
  const isSampled = env.isTraceSampled?.(ctx.trace) ?? false;
  const callTrace: IssuerCallTrace = { endpoint: null };
  try {
    const result = await call({ traceparent: formatTraceparent(ctx.trace.traceId, span.spanId, isSampled), rrn: ctx.rrn || String(ctx.request.get(37) ?? ''), callTrace });
    setEndpoint(span, callTrace.endpoint);
    span.end('ok', nowUs());
    return result;
  } catch (err) {
    setEndpoint(span, callTrace.endpoint);
    const code = (err as { code?: string } | null)?.code ?? 'SWITCH_INTERNAL';
    span.setAttribute('error.code', code);
    span.setAttribute('error.type', code);
    span.end('error', nowUs());
    throw err;
  }
}
