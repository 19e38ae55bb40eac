// Migration 2: the transaction log (the audit trail with --store): one row per audit record, each
// node its own hash chain (node_id, seq, prev, hash), the record as the exact text that was sealed
// (verify recomputes the hash over it) and as JSONB, and the columns people search by, indexed;
// and each chain's sealed head (its last seq and hash, with a mac), so that a cut-off tail is found.
// A row (text and JSONB, about 2.3 kB) stays whole in its page: compressing it into TOAST cost the
// server about 40 µs of CPU per record here, a third of its work per record, for a little disk.

import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 2,
  name: 'txn log',
  sql: `
    CREATE TABLE isotrace.txn_log (
      node_id        text NOT NULL,
      seq            bigint NOT NULL CHECK (seq > 0),
      prev           text NOT NULL,
      hash           text NOT NULL,
      keyed          boolean NOT NULL,
      record_id      text NOT NULL,
      trace_id       text NOT NULL,
      received_at    timestamptz NOT NULL,
      mti            text NOT NULL,
      stan           text,
      terminal_id    text,
      rrn            text,
      pan            text,
      response_code  text NOT NULL,
      issuer         text,
      record_text    text NOT NULL,
      record         jsonb NOT NULL,
      PRIMARY KEY (node_id, seq)
    ) WITH (toast_tuple_target = 8160);
    CREATE INDEX txn_log_trace_id ON isotrace.txn_log (trace_id text_pattern_ops);
    CREATE INDEX txn_log_record_id ON isotrace.txn_log (record_id text_pattern_ops);
    CREATE INDEX txn_log_rrn ON isotrace.txn_log (rrn);
    CREATE INDEX txn_log_terminal_stan ON isotrace.txn_log (terminal_id, stan);
    CREATE INDEX txn_log_received_at ON isotrace.txn_log (received_at);
    CREATE INDEX txn_log_pan ON isotrace.txn_log (pan, received_at);
    CREATE INDEX txn_log_response_code ON isotrace.txn_log (response_code, received_at);
    CREATE INDEX txn_log_issuer ON isotrace.txn_log (issuer, received_at);
    CREATE TABLE isotrace.txn_log_heads (
      node_id  text PRIMARY KEY,
      seq      bigint NOT NULL,
      hash     text NOT NULL,
      mac      text NOT NULL
    );
  `,
};
