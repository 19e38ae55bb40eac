// Every migration this build knows, in version order. Versions are never renumbered or edited once
// released: a change to the schema is a new migration.

import type { Migration } from './migration.js';
import { migration as nodes } from './001-nodes.js';
import { migration as txnLog } from './002-txn-log.js';
import { migration as duplicatesAndOriginals } from './003-duplicates-originals.js';
import { migration as stubLedger } from './004-stub-ledger.js';
import { migration as saf } from './005-saf.js';
import { migration as stubDecide } from './006-stub-decide.js';
import { migration as txnLogStarts } from './007-txn-log-starts.js';

export type { Migration } from './migration.js';

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  nodes,
  txnLog,
  duplicatesAndOriginals,
  stubLedger,
  saf,
  stubDecide,
  txnLogStarts,
]);
