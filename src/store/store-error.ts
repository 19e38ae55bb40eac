// StoreError: every error the PostgreSQL store throws on purpose, and the mapping of pg's errors
// onto it. Messages name the statement's purpose, the server's SQLSTATE and the node, never a value.

import { SwitchError } from '../common/index.js';

/** STORE_UNAVAILABLE, STORE_QUERY_FAILED, STORE_SCHEMA_NEWER, STORE_MIGRATION_FAILED, STORE_NODE_IN_USE. */
export class StoreError extends SwitchError {}

/**
 * SQLSTATE classes that mean the server is not there for us right now (connection exceptions,
 * insufficient resources, operator intervention such as a shutdown, system errors), rather than a
 * statement it refused: https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '58']);
/** Node's socket errors and pg's own messages for a connection that is gone or never came. */
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_TEXT = /timeout|terminated|Connection terminated|not queryable|ended|closed/i;

/** True when `err` (from pg) says the store is unreachable or gone, not that it refused the statement. */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.length === 5 && UNAVAILABLE_CLASSES.has(code.slice(0, 2))) return true;
  if (UNAVAILABLE_NODE_CODES.has(code)) return true;
  return code === '' && typeof e?.message === 'string' && UNAVAILABLE_TEXT.test(e.message);
}

/**
 * `err` from pg as a StoreError about `what` (e.g. "claiming duplicates"): STORE_UNAVAILABLE when
 * the store is not reachable, else STORE_QUERY_FAILED with the SQLSTATE. A StoreError passes as is.
 */
export function storeErrorOf(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const state = typeof code === 'string' ? ` (${code})` : '';
  if (isUnavailable(err)) return new StoreError('STORE_UNAVAILABLE', `the store did not answer ${what}${state}`, { cause: err });
  return new StoreError('STORE_QUERY_FAILED', `the store refused ${what}${state}`, { cause: err });
}
