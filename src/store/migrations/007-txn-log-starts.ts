// Migration 7: where each node's chain starts once retention has removed its oldest records: the
// seq and hash of the last record removed (the first remaining record's prev), sealed with the
// chain's digest, so that verify starts there and still finds any other record removed or changed.

import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 7,
  name: 'txn log starts',
  sql: `
    CREATE TABLE isotrace.txn_log_starts (
      node_id    text PRIMARY KEY,
      seq        bigint NOT NULL,
      hash       text NOT NULL,
      mac        text NOT NULL,
      pruned_at  timestamptz NOT NULL DEFAULT now()
    );
  `,
};
