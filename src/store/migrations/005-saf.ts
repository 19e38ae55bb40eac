// Migration 5: the store-and-forward queue of reversal advices owed to remote issuers, shared by
// every node (src/store/saf/). DE 2 and the other sensitive DEs are sealed as the file queue seals
// them; tracks, PIN blocks and ICC data are never stored. The key's fingerprint (an HMAC, never
// the key) makes every node use the same key.

import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 5,
  name: 'saf',
  sql: `
    CREATE SEQUENCE isotrace.saf_entry_id;
    CREATE TABLE isotrace.saf_entries (
      id               bigint PRIMARY KEY,
      issuer           text NOT NULL,
      mti              text NOT NULL,
      reason           text NOT NULL,
      traceparent      text,
      fields           jsonb NOT NULL,
      sensitive        smallint[] NOT NULL,
      sealed           text,
      pan_masked       text,
      state            text NOT NULL DEFAULT 'owed' CHECK (state IN ('owed', 'acknowledged', 'purged')),
      attempts         integer NOT NULL DEFAULT 0,
      queued_at        timestamptz NOT NULL,
      queued_by        text NOT NULL,
      last_attempt_at  timestamptz,
      last_sent_by     text,
      next_attempt_at  timestamptz NOT NULL,
      acked_at         timestamptz,
      purged_at        timestamptz,
      purged_by        text
    );
    CREATE INDEX saf_entries_owed ON isotrace.saf_entries (issuer, id) WHERE state = 'owed';
    CREATE TABLE isotrace.saf_key (
      only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      key_check   text NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      created_by  text NOT NULL
    );
  `,
};
