// `isotrace audit verify`: recomputes the audit log's hash chain. Reads the HMAC key from the
// environment (ISOTRACE_AUDIT_KEY, or the variable --key-env names) and never prints it.

import { basename } from 'node:path';
import { AuditError, HEAD_FILE, verifyAudit, type VerifyResult } from '../../../audit/index.js';
import { plural } from '../../../common/index.js';
import { EXIT, UsageError, errorLine, type ExitCode, type Io } from '../../io.js';
import { auditDirFrom } from './options.js';
import { auditStoreUrlFrom } from './source.js';
import { verifyStore } from './verify-store.js';
import { StoreError } from '../../../store/index.js';

export const AUDIT_KEY_ENV = 'ISOTRACE_AUDIT_KEY';

export interface AuditVerifyOptions {
  dir?: string;
  /** The transaction log in PostgreSQL (every node's chain) instead of a directory. */
  store?: string;
  /** The environment variable holding the key (default ISOTRACE_AUDIT_KEY). */
  keyEnv?: string;
}

/** The HMAC key: the utf8 bytes of the variable, or null when it is unset or empty. */
export function auditKeyFrom(env: NodeJS.ProcessEnv, name = AUDIT_KEY_ENV): Buffer | null {
  const value = env[name];
  return value === undefined || value === '' ? null : Buffer.from(value, 'utf8');
}

/** The one line a passed verify prints: what was checked, and how it stands against the sealed head. */
export function verifiedLine(r: Extract<VerifyResult, { ok: true }>): string {
  const kept = r.recordsBefore > 0 ? ` (from record ${r.recordsBefore + 1}: older files deleted by retention)` : '';
  let sealed: string;
  if (r.sealedRecords === null) sealed = ' (no sealed head: an older log; a cut-off tail cannot be ruled out)';
  else {
    const after = r.recordsBefore + r.records - r.sealedRecords;
    sealed = `, sealed head at record ${r.sealedRecords}${after > 0 ? ` (${after} after it: a batch being written, or written before a crash)` : ''}`;
  }
  return `audit: ${plural(r.records, 'record')} in ${plural(r.files, 'file')}${kept}, chain intact${sealed}`;
}

/**
 * Runs verify; returns 0 when the chain is intact, 1 at the first break (one line naming the file
 * and line; with --store, the node and seq of each node's first break) or a store not reached, 2
 * for bad usage, a missing directory, or a keyed log and no key.
 */
export async function runAuditVerify(opts: AuditVerifyOptions, io: Io, env: NodeJS.ProcessEnv): Promise<ExitCode> {
  try {
    const keyEnv = opts.keyEnv ?? AUDIT_KEY_ENV;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv)) throw new UsageError(`--key-env: ${JSON.stringify(keyEnv)} is not an environment variable name`);
    const key = auditKeyFrom(env, keyEnv);
    // Named on purpose but unset: verifying without a key would blame a keyed log for its hashes.
    if (key === null && opts.keyEnv !== undefined) throw new UsageError(`--key-env ${keyEnv}: the variable is not set or empty`);
    const url = auditStoreUrlFrom(opts, env);
    if (url !== null) return await verifyStore(url, key, io).catch(withKeyHint(keyEnv));
    const result = await verifyAudit(auditDirFrom(opts, env), key).catch(withKeyHint(keyEnv));
    if (!result.ok) {
      // A record that fails is a broken chain; a log that does not reach, or does not match, its sealed head is the head's code.
      const code = basename(result.file) === HEAD_FILE ? 'AUDIT_HEAD_MISMATCH' : 'AUDIT_CHAIN_BROKEN';
      io.err(errorLine(new AuditError(code, `${result.file} line ${result.line}: ${result.reason}`)));
      return EXIT.INVALID;
    }
    io.out(verifiedLine(result));
    return EXIT.OK;
  } catch (err) {
    io.err(errorLine(err));
    // A store not reached is a failed check; anything else is the caller's to fix.
    return err instanceof StoreError && err.code !== 'STORE_NO_TXN_LOG' ? EXIT.INVALID : EXIT.USAGE;
  }
}

/** AUDIT_KEY_REQUIRED with where the key is looked for; other errors as they are. */
function withKeyHint(keyEnv: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof AuditError && err.code === 'AUDIT_KEY_REQUIRED') throw new AuditError(err.code, `${err.message}; set ${keyEnv} or name the variable holding it with --key-env`);
    throw err;
  };
}
