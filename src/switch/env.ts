// SwitchEnv: what the stages work with besides the transaction: the codec, routes, issuers, the
// duplicate cache and the table of approved originals. Built once by the cli.

import type { Codec, FieldPath, IsoMessage } from '../codec/index.js';
import type { IssuerBackend, Logger } from '../common/index.js';
import type { TraceRecord } from '../trace/index.js';
import type { Dialect } from './dialect.js';
import type { DuplicateStore } from './duplicate-store.js';
import type { OriginalStore } from './original-store.js';
import type { ConnectionInfo } from './context.js';
import type { BinTable } from './routing.js';
import type { TxnMetrics } from './txn-metrics.js';

export interface SwitchEnv {
  readonly codec: Codec;
  /** The ISO 8583 edition's ways (MTIs, DE 39 codes, reversal matching): dialectOf(codec.spec). */
  readonly dialect: Dialect;
  readonly routes: BinTable;
  /** Issuers by the name routes use. */
  readonly issuers: ReadonlyMap<string, IssuerBackend<IsoMessage>>;
  /** The duplicate cache: DuplicateCache in memory, or a store shared by several switches. */
  readonly duplicates: DuplicateStore;
  /** The approvals reversals name: OriginalsTable in memory, or a store shared by several switches. */
  readonly originals: OriginalStore;
  /** How long an issuer may take before the terminal gets RC 91, in ms. */
  readonly issuerTimeoutMs: number;
  readonly logger: Logger;
  /**
   * Where requests carry the W3C traceparent of the caller's span (`isotrace issuer`): each
   * transaction's trace continues it. Unset or null: every transaction starts a trace of its own.
   */
  readonly traceField?: FieldPath | null;
  /**
   * Whether a trace will be exported (the trace sink's decision): the sampled flag of the
   * traceparent a remote issuer's link carries. The Switch sets it from its TraceSink.
   */
  readonly isTraceSampled?: (trace: TraceRecord) => boolean;
  /**
   * Called for each frame the switch could not read: answered RC 30, or dropped with its MTI
   * unreadable (the server counts them per connection and address, and closes past a limit).
   */
  readonly onFormatError?: (conn: ConnectionInfo) => void;
  /** Where each finished transaction is counted for /metrics; unset or null (metrics off): nothing is. */
  readonly metrics?: TxnMetrics | null;
}
