// Migration 3: duplicate claims (a request's key, claimed before the issuer is asked, settled with
// the answer the terminal got) and the approvals reversals name (with their issuer and hold).
// No card data: a claim's key is MTI, DE 32, 41, 11 and 7; an answer never carries track, PIN or CVV.

import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 3,
  name: 'duplicate claims and originals',
  sql: `
    CREATE TABLE isotrace.duplicate_claims (
      key            text PRIMARY KEY,
      node_id        text NOT NULL,
      -- 1: claimed, its answer not sent yet; 2: settled with its answer
      state          smallint NOT NULL CHECK (state IN (1, 2)),
      claimed_at     timestamptz NOT NULL,
      expires_at     timestamptz NOT NULL,
      answer         bytea,
      response_code  text,
      approval_code  text
    );
    CREATE INDEX duplicate_claims_expiry ON isotrace.duplicate_claims (expires_at);

    CREATE TABLE isotrace.originals (
      id             bigserial PRIMARY KEY,
      stan           text NOT NULL,
      -- DE 7 (DE 12 in 1993): with the STAN, what every way of naming an original carries
      transmission   text NOT NULL,
      mti            text NOT NULL,
      acquirer       text NOT NULL,
      terminal       text NOT NULL,
      issuer         text NOT NULL,
      hold_id        text NOT NULL,
      node_id        text NOT NULL,
      remembered_at  timestamptz NOT NULL DEFAULT now(),
      expires_at     timestamptz NOT NULL
    );
    CREATE INDEX originals_by_key ON isotrace.originals (stan, transmission, id DESC);
    CREATE INDEX originals_expiry ON isotrace.originals (expires_at);
  `,
};
