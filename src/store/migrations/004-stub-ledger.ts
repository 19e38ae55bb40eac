// Migration 4: the issuer stub's balances and holds, shared by every node. Accounts are numbered
// as the cards file lists them and show the PAN masked (first 6, last 4) only; the clear PAN never
// reaches the database: each node finds an account's number from its own cards file.

import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 4,
  name: 'stub balances and holds',
  sql: `
    CREATE TABLE isotrace.stub_accounts (
      account_no         integer PRIMARY KEY,
      pan_masked         text NOT NULL,
      currency           text NOT NULL,
      -- minor units of currency; the balance less what is held
      available_minor    bigint NOT NULL,
      spent_today_minor  bigint NOT NULL DEFAULT 0,
      -- the UTC day number spent_today_minor counts
      day                integer NOT NULL DEFAULT 0
    );

    CREATE TABLE isotrace.stub_holds (
      serial        bigserial PRIMARY KEY,
      account_no    integer NOT NULL REFERENCES isotrace.stub_accounts,
      amount_minor  bigint NOT NULL,
      day           integer NOT NULL,
      node_id       text NOT NULL,
      placed_at     timestamptz NOT NULL DEFAULT now(),
      released_at   timestamptz
    );
    CREATE INDEX stub_holds_placed ON isotrace.stub_holds (placed_at);
  `,
};
