// The contract between the switch and an issuer: in-process stub or remote host link. Generic over
// the message type so that shared/ stays free of the codec. Types only.

/** Where a link is connected: the endpoint as configured, and the address it reached. */
export interface PeerEndpoint {
  /** The endpoint's host as configured (a name or an IP address); never empty. */
  readonly host: string;
  readonly port: number;
  /** The IP address and port of the far end of the connection; null when the socket does not say. */
  readonly peerAddress: string | null;
  readonly peerPort: number | null;
}

/**
 * What a remote backend tells the switch about one call, for the call's span: the endpoint of the
 * link the request went out on (left null when it went out on none).
 */
export interface IssuerCallTrace {
  endpoint: PeerEndpoint | null;
}

/** An authorization (0100) or financial (0200) request as the issuer sees it. */
export interface AuthorizationRequest<M> {
  kind: 'authorization' | 'financial';
  /** The request as received; a remote link forwards it. */
  message: M;
  /** PAN in clear, from DE 2 or track 2. Never log it: mask with maskPan. */
  pan: string;
  /** YYMM from DE 14 or track 2; null when neither carries it. */
  expiry: string | null;
  /** DE 4 in minor units of `currency`. */
  amountMinor: number;
  /** DE 49 (ISO 4217 numeric), '' when absent. */
  currency: string;
  processingCode: string;
  traceId: string;
  /** The W3C traceparent of the switch's issuer-call span, for a remote issuer's link; null for the stub. */
  traceparent: string | null;
  /** DE 37 the switch answers with when the request carries none (a remote issuer's link sends it too). */
  rrn: string;
  /** For a remote issuer: where it records the link the request went out on; absent for the stub. */
  callTrace?: IssuerCallTrace | null;
}

/**
 * Why a hold is released: the terminal reversed the approval (its 0400/0420), or the switch does,
 * as the approval could not be completed (its audit record was not written).
 */
export type ReversalCause = 'cancellation' | 'malfunction';

/** A reversal of an approved request: releases the hold the approval placed. */
export interface ReversalRequest<M> {
  message: M;
  /** The hold the original approval returned. */
  holdId: string;
  traceId: string;
  traceparent: string | null;
  rrn: string;
  cause: ReversalCause;
  /** As AuthorizationRequest.callTrace. */
  callTrace?: IssuerCallTrace | null;
}

export interface IssuerDecision {
  /** DE 39 response code in ISO 8583:1987 terms, e.g. '00', '51' (a 1993 switch maps it to an action code). */
  responseCode: string;
  /** DE 38 approval code on approval, else null. */
  approvalCode: string | null;
  /** Why, in a few words, for the audit record and logs: 'approved', 'insufficient funds'. */
  reason: string;
  /** The hold an approval placed (released by a reversal), else null. */
  holdId: string | null;
  /**
   * Fields of the issuer's answer the terminal's answer carries besides DE 38 and 39 (DE 44, 54,
   * 55), as the terminal's spec holds them; absent for the stub.
   */
  fields?: ReadonlyArray<readonly [de: number, value: string | Buffer]>;
}

/**
 * An issuer. Calls are asynchronous and may time out: a backend rejects with an IssuerError
 * ISSUER_TIMEOUT after `timeoutMs`, or ISSUER_UNAVAILABLE when it cannot be reached.
 */
export interface IssuerBackend<M> {
  /** Name used in routes and audit records: 'stub', 'acme'. */
  readonly name: string;
  /**
   * A remote issuer: the switch traces the call as a span of its own and hands it the span's
   * traceparent and the RRN (the stub gets neither, at no cost).
   */
  readonly isRemote?: boolean;
  authorize(request: AuthorizationRequest<M>, timeoutMs: number): Promise<IssuerDecision>;
  reverse(request: ReversalRequest<M>, timeoutMs: number): Promise<IssuerDecision>;
  close(): Promise<void>;
}
