// TxnContext: everything one transaction carries through the stages, every property set in the
// constructor. Holds the clear PAN for routing and the issuer; nothing here is logged as is.

import type { DecodeError, IsoMessage } from '../codec/index.js';
import type { IssuerDecision } from '../common/index.js';
import type { SpanRecord, TraceRecord } from '../trace/index.js';
import type { Original } from './originals.js';
import type { Route } from './routing.js';

/** What the switch does with a request, from its MTI. */
export type TxnKind = 'authorization' | 'financial' | 'reversal' | 'network' | 'unsupported';

export interface ConnectionInfo {
  connId: string;
  /** The peer as `address:port`, for logs and the audit record. */
  remote: string;
  /**
   * The peer's IP address and port, and the local (server) side's, for the root span's `network.*`
   * and `server.*` attributes (the transport's ConnectionContext has them all, made once per
   * connection); absent when the message did not come over a socket (a store-and-forward advice).
   */
  remoteAddress?: string;
  remotePort?: number;
  localAddress?: string;
  localPort?: number;
}

export interface ErrorInfo {
  code: string;
  field: number | string | null;
  offset: number | null;
}

export class TxnContext {
  readonly trace: TraceRecord;
  readonly conn: ConnectionInfo;
  readonly receivedAtUs: number;
  /** The request as decoded; partial when decodeError is set. */
  readonly request: IsoMessage;
  readonly decodeError: DecodeError | null;
  /** The frame's length in bytes, kept for the record of a request of which no field could be read. */
  readonly frameBytes: number;
  kind: TxnKind;
  /** Clear PAN from DE 2 or track 2, for routing and the issuer only. */
  pan: string | null;
  route: Route | null;
  /** The approval a reversal releases, once found. */
  original: Original | null;
  /** The key under which this request is in flight for reversals naming it (OriginalsTable.inFlight), until its commit phase ends; null when not routed to an issuer. */
  inFlightKey: string | null;
  /** Key under which a first answer is kept for repeats; null when not deduplicated. */
  dedupeKey: string | null;
  isDuplicate: boolean;
  /** Set once the outcome is known; later stages but respond are skipped (the commit phase still runs). */
  isDecided: boolean;
  responseCode: string;
  approvalCode: string | null;
  reason: string;
  holdId: string | null;
  /** The RRN the switch assigned ('' until then), kept so that an answer built again carries the same. */
  rrn: string;
  error: ErrorInfo | null;
  response: IsoMessage | null;
  /** The span of the stage running: the parent of a remote issuer call's span. */
  stageSpan: SpanRecord | null;
  /** Fields of a remote issuer's answer that the terminal's answer carries too (DE 44, 54, 55). */
  issuerFields: IssuerDecision['fields'] | null;
  /** The packed answer (no frame header), or null when nothing is sent back. */
  responseBytes: Buffer | null;
  completedAtUs: number;

  constructor(trace: TraceRecord, conn: ConnectionInfo, receivedAtUs: number, request: IsoMessage, decodeError: DecodeError | null, frameBytes = 0) {
    this.trace = trace;
    this.conn = conn;
    this.receivedAtUs = receivedAtUs;
    this.request = request;
    this.decodeError = decodeError;
    this.frameBytes = frameBytes;
    this.kind = 'unsupported';
    this.pan = null;
    this.route = null;
    this.original = null;
    this.inFlightKey = null;
    this.dedupeKey = null;
    this.isDuplicate = false;
    this.isDecided = false;
    this.responseCode = '';
    this.approvalCode = null;
    this.reason = '';
    this.holdId = null;
    this.rrn = '';
    this.error = null;
    this.response = null;
    this.stageSpan = null;
    this.issuerFields = null;
    this.responseBytes = null;
    this.completedAtUs = 0;
  }

  /** Fixes the outcome: the remaining stages but respond are skipped. */
  decide(responseCode: string, reason: string, approvalCode: string | null = null): void {
    this.responseCode = responseCode;
    this.reason = reason;
    this.approvalCode = approvalCode;
    this.isDecided = true;
  }
}
