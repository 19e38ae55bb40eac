// FinishedTxn: what an audit record is made of, as the audit layer asks for it. The switch's
// TxnOutcome provides it; the record's text (record-text.ts) reads nothing else. Accessors rather
// than nested objects, so that the finished transaction stays one flat, cheaply posted value.

/** Which message a field mask describes. */
export const REQUEST = 0;
export const RESPONSE = 1;

export interface FinishedTxn {
  readonly traceId: string;
  /** The root span's id. */
  readonly spanId: string;
  readonly receivedUs: number;
  readonly completedUs: number;
  readonly connId: string;
  /** `address:port` of the peer. */
  readonly remote: string;
  readonly mti: string;
  /** '' when absent (likewise rrn, terminalId, merchantId, acquirerId, issuer, bin). */
  readonly stan: string;
  readonly rrn: string;
  readonly terminalId: string;
  readonly merchantId: string;
  readonly acquirerId: string;
  readonly processingCode: string | null;
  readonly amount: string | null;
  readonly currency: string | null;
  /** Masked: first 6 and last 4 at most. */
  readonly maskedPan: string | null;
  /** There is a route: issuer and bin are then meaningful. */
  readonly hasRoute: boolean;
  readonly issuer: string;
  readonly bin: string;
  readonly responseCode: string;
  readonly approvalCode: string | null;
  readonly reason: string;
  readonly isDuplicate: boolean;
  readonly responseMti: string | null;
  readonly errorCode: string | null;
  /** A DE number, or an element such as `'mti'`. */
  readonly errorField: number | string | null;
  readonly errorOffset: number | null;
  /** The frame's length when nothing past the MTI could be decoded (its record is then compact), else null. */
  readonly unreadableBytes: number | null;
  /** Group `group` (DE 48g+2 to 48g+48; group 0 starts at DE 2) of the field mask of REQUEST or RESPONSE: bit b is DE 48g+b+1. */
  fieldMask(message: typeof REQUEST | typeof RESPONSE, group: number): number;
  /** Groups in a field mask. */
  readonly fieldMaskGroups: number;
  readonly stageCount: number;
  stageName(i: number): string;
  /** µs from receipt. */
  stageStartUs(i: number): number;
  stageDurationUs(i: number): number;
  stageStatus(i: number): 'ok' | 'error';
}
