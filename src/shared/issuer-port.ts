// The contract between the switch and an issuer: in-process stub or remote host link. Generic over
// the message type so that shared/ stays free of the codec. Types only.

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
}

/** A reversal of an approved request: releases the hold the approval placed. */
export interface ReversalRequest<M> {
  message: M;
  /** The hold the original approval returned. */
  holdId: string;
  traceId: string;
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
}

/**
 * An issuer. Calls are asynchronous and may time out: a backend rejects with an IssuerError
 * ISSUER_TIMEOUT after `timeoutMs`, or ISSUER_UNAVAILABLE when it cannot be reached.
 */
export interface IssuerBackend<M> {
  /** Name used in routes and audit records: 'stub', 'tcp://host:port'. */
  readonly name: string;
  authorize(request: AuthorizationRequest<M>, timeoutMs: number): Promise<IssuerDecision>;
  reverse(request: ReversalRequest<M>, timeoutMs: number): Promise<IssuerDecision>;
  close(): Promise<void>;
}
