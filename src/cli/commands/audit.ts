// `isotrace audit verify`: recomputes the audit log's hash chain. Reads the HMAC key from the
// environment (ISOTRACE_AUDIT_KEY, or the variable --key-env names) and never prints it.

import { AuditError, verifyAudit } from '../../audit/index.js';
import { EXIT, UsageError, errorLine, type ExitCode, type Io } from '../io.js';

/** Where the log lives unless --dir or ISOTRACE_AUDIT_DIR says otherwise (relative to the working directory). */
export const DEFAULT_AUDIT_DIR = './var/audit';
export const AUDIT_KEY_ENV = 'ISOTRACE_AUDIT_KEY';

export interface AuditVerifyOptions {
  dir?: string;
  /** The environment variable holding the key (default ISOTRACE_AUDIT_KEY). */
  keyEnv?: string;
}

/** The HMAC key: the utf8 bytes of the variable, or null when it is unset or empty. */
export function auditKeyFrom(env: NodeJS.ProcessEnv, name = AUDIT_KEY_ENV): Buffer | null {
  const value = env[name];
  return value === undefined || value === '' ? null : Buffer.from(value, 'utf8');
}

/** The audit directory: --dir, else ISOTRACE_AUDIT_DIR, else ./var/audit. */
export function auditDirFrom(opts: AuditVerifyOptions, env: NodeJS.ProcessEnv): string {
  return opts.dir ?? (env.ISOTRACE_AUDIT_DIR || DEFAULT_AUDIT_DIR);
}

/**
 * Runs verify; returns 0 when the chain is intact, 1 at the first break (one line naming the file
 * and line), 2 for bad usage or a missing directory.
 */
export async function runAuditVerify(opts: AuditVerifyOptions, io: Io, env: NodeJS.ProcessEnv): Promise<ExitCode> {
  try {
    const keyEnv = opts.keyEnv ?? AUDIT_KEY_ENV;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv)) throw new UsageError(`--key-env: ${JSON.stringify(keyEnv)} is not an environment variable name`);
    const result = await verifyAudit(auditDirFrom(opts, env), auditKeyFrom(env, keyEnv));
    if (!result.ok) {
      io.err(errorLine(new AuditError('AUDIT_CHAIN_BROKEN', `${result.file} line ${result.line}: ${result.reason}`)));
      return EXIT.INVALID;
    }
    io.out(`audit: ${result.records} records in ${result.files} files, chain intact`);
    return EXIT.OK;
  } catch (err) {
    io.err(errorLine(err));
    return EXIT.USAGE;
  }
}
