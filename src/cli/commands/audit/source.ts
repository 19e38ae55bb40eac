// Where the audit tools read records from: the audit directory (--dir, ISOTRACE_AUDIT_DIR) or the
// transaction log in PostgreSQL (--store, ISOTRACE_DATABASE_URL). list, show and tail go through
// this one interface, so that both print the same way; each entry says where it is stored.

import { findAuditRecords, lastAuditEntries, queryAudit, readAudit, type AuditEntry, type AuditQuery, type StoredAuditRecord } from '../../../audit/index.js';
import { UsageError } from '../../io.js';
import { auditDirFrom } from './options.js';
import { openStoreSource } from './store-source.js';

export interface LocatedRecord {
  record: StoredAuditRecord;
  /** `var/audit/audit-2026-11-23-000001.ndjson line 7`, or `node "switch-a" seq 7`. */
  where: string;
}

export interface AuditSource {
  /** The newest `limit` records matching `query`, newest first. */
  list(query: AuditQuery, limit: number): Promise<LocatedRecord[]>;
  /** The newest `limit` records matching `query`, newest first, and how many match in all. */
  find(query: AuditQuery, limit: number): Promise<{ entries: LocatedRecord[]; matched: number }>;
  /** The last `limit` records, oldest first; follow() goes on after them. */
  last(limit: number): Promise<LocatedRecord[]>;
  /**
   * Every record written after those last() returned, as it comes, until `signal` fires. A store
   * that goes away is waited for (`onNotice` says so, and when following goes on), never a gap.
   */
  follow(control: FollowControl): AsyncIterable<LocatedRecord>;
  close(): Promise<void>;
}

export interface FollowControl {
  signal?: AbortSignal;
  pollIntervalMs?: number;
  /** One line for the person following (standard error at the command line). */
  onNotice?: (line: string) => void;
}

export interface AuditSourceFlags {
  dir?: string;
  store?: string;
}

/** The store's URL when the records are read from it: --store, else ISOTRACE_DATABASE_URL unless --dir is given. */
export function auditStoreUrlFrom(flags: AuditSourceFlags, env: NodeJS.ProcessEnv): string | null {
  if (flags.store !== undefined && flags.dir !== undefined) throw new UsageError('--dir and --store name two different audit trails: give one', 'CLI_BAD_USAGE');
  if (flags.store !== undefined) return flags.store;
  if (flags.dir !== undefined) return null;
  return env.ISOTRACE_DATABASE_URL || null;
}

const located = (e: AuditEntry): LocatedRecord => ({ record: e.record, where: `${e.file} line ${e.line}` });

function dirSource(dir: string): AuditSource {
  let seen = 0;
  return {
    list: async (query, limit) => (await queryAudit(dir, query, limit)).map(located),
    async find(query, limit) {
      const { entries, matched } = await findAuditRecords(dir, query, limit);
      return { entries: entries.map(located), matched };
    },
    async last(limit) {
      const found = await lastAuditEntries(dir, limit);
      seen = found.seen;
      return found.entries.map(located);
    },
    async* follow(control) {
      // The log only grows: the first `seen` records of a second pass are the ones already handled.
      let skip = seen;
      for await (const e of readAudit(dir, { follow: true, signal: control.signal, pollIntervalMs: control.pollIntervalMs })) {
        if (skip > 0) skip--;
        else yield located(e);
      }
    },
    close: async () => {},
  };
}

/**
 * The source the flags and environment name.
 * @throws UsageError for --dir with --store; ConfigError for a bad URL; StoreError STORE_UNAVAILABLE,
 *   STORE_NO_TXN_LOG.
 */
export async function openAuditSource(flags: AuditSourceFlags, env: NodeJS.ProcessEnv): Promise<AuditSource> {
  const url = auditStoreUrlFrom(flags, env);
  return url === null ? dirSource(auditDirFrom(flags, env)) : openStoreSource(url);
}

/** Runs `fn` on the source the flags name, closed after. */
export async function withAuditSource<T>(flags: AuditSourceFlags, env: NodeJS.ProcessEnv, fn: (source: AuditSource) => Promise<T>): Promise<T> {
  const source = await openAuditSource(flags, env);
  try {
    return await fn(source);
  } finally {
    await source.close();
  }
}
