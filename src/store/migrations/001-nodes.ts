// Migration 1: the switch processes (nodes) that use the store. Each holds its node id for as long as
// it runs (a session advisory lock, see node-claim.ts); the row says who it is and when it started.

import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 1,
  name: 'nodes',
  sql: `
    CREATE TABLE isotrace.nodes (
      node_id     text PRIMARY KEY,
      host        text NOT NULL,
      pid         integer NOT NULL,
      version     text NOT NULL,
      started_at  timestamptz NOT NULL,
      seen_at     timestamptz NOT NULL
    );
  `,
};
