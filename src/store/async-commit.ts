// The shared state's writes commit asynchronously: visible to every node the moment they commit,
// flushed to disk by PostgreSQL's WAL writer a moment later (wal_writer_delay, 200 ms by default)
// rather than each waiting for its own flush. A crash of the database (not of a node) may lose
// the last fraction of a second of claims, answers, originals and holds: never more than a restart
// of a switch without --store loses (all of them). The audit trail's rows are not written so.

/**
 * A CTE that turns synchronous_commit off for the statement's own transaction only (is_local:
 * reset when it ends). A statement names it in its WITH and joins it (one row) so that it runs.
 */
export const ASYNC_COMMIT = "async_commit AS (SELECT set_config('synchronous_commit', 'off', true) AS is_set)";
