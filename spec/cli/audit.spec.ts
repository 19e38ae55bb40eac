// `isotrace audit verify`: exit 0 and a summary for an intact log, exit 1 and one line naming the
// file and line of the first break, exit 2 for a missing directory or bad usage.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditDirFrom } from '../../src/cli/commands/audit/options.js';
import { auditKeyFrom, runAuditVerify } from '../../src/cli/commands/audit/verify.js';
import type { Io } from '../../src/cli/io.js';
import { auditFiles, readLines, sampleRecord, tempDir, writeLines, writtenLog } from '../audit/helpers/audit-fixtures.js';
import { runCli } from '../helpers/cli.js';

const KEY = 'a key of the audit log';

afterEach(() => {
  vi.unstubAllEnvs();
});

async function logOf(n: number, key: string | null): Promise<string> {
  return writtenLog(Array.from({ length: n }, (_, i) => sampleRecord(i)), key === null ? null : Buffer.from(key, 'utf8'), 1800);
}

/** Runs runAuditVerify directly with `env`, capturing output. */
async function verify(opts: { dir?: string; keyEnv?: string }, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += `${t}\n`), err: (t) => void (stderr += `${t}\n`), readStdin: async () => Buffer.alloc(0) };
  const code = await runAuditVerify(opts, io, env);
  return { code, stdout, stderr };
}

describe('isotrace audit verify', () => {
  it('exits 0 with a one-line summary when the chain is intact, key from ISOTRACE_AUDIT_KEY', async () => {
    const dir = await logOf(5, KEY);
    vi.stubEnv('ISOTRACE_AUDIT_KEY', KEY);
    const files = auditFiles(dir).length;
    expect(await runCli(['audit', 'verify', '--dir', dir])).toEqual({ code: 0, stdout: `audit: 5 records in ${files} files, chain intact, sealed head at record 5\n`, stderr: '' });
  });

  it('exits 0 for an unkeyed log when no key is set, or the variable is empty', async () => {
    const dir = await logOf(3, null);
    const files = auditFiles(dir).length;
    expect(await verify({ dir }, {})).toEqual({ code: 0, stdout: `audit: 3 records in ${files} files, chain intact, sealed head at record 3\n`, stderr: '' });
    expect(await verify({ dir }, { ISOTRACE_AUDIT_KEY: '' })).toMatchObject({ code: 0 });
  });

  it('exits 1 with one line naming the file and line of an edited record', async () => {
    const dir = await logOf(4, KEY);
    const file = join(dir, auditFiles(dir)[1]);
    const lines = readLines(file);
    lines[1] = lines[1].replace('"approved"', '"declined"');
    writeLines(file, lines);
    expect(await verify({ dir }, { ISOTRACE_AUDIT_KEY: KEY })).toEqual({
      code: 1,
      stdout: '',
      stderr: `isotrace: AUDIT_CHAIN_BROKEN ${file} line 2: hash does not match the record: it was edited, or the key is wrong or missing\n`,
    });
  });

  it('exits 1 at line 1 when the key is wrong, without printing the key', async () => {
    const dir = await logOf(2, KEY);
    const run = await verify({ dir }, { ISOTRACE_AUDIT_KEY: 'not the key' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^isotrace: AUDIT_CHAIN_BROKEN .*audit-\d{8}-000001\.ndjson line 1: hash does not match/);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).not.toContain('not the key');
  });

  it('issue #13: exits 2 naming the key variable and --key-env when a keyed log is checked without its key', async () => {
    const dir = await logOf(2, KEY);
    const run = await verify({ dir }, {});
    expect(run).toEqual({ code: 2, stdout: '', stderr: `isotrace: AUDIT_KEY_REQUIRED ${join(dir, 'audit.head')} says the log is keyed (HMAC-SHA-256): it cannot be verified without its key; set ISOTRACE_AUDIT_KEY or name the variable holding it with --key-env\n` });
    // A --key-env variable that is not set is bad usage before the log is read.
    expect((await verify({ dir, keyEnv: 'MY_KEY' }, {})).stderr).toBe('isotrace: CLI_BAD_VALUE --key-env MY_KEY: the variable is not set or empty\n');
  });

  it('issue #13: exits 1 with AUDIT_HEAD_MISMATCH when the last records are deleted, naming the sealed head', async () => {
    const dir = await logOf(5, KEY);
    const files = auditFiles(dir);
    const last = join(dir, files.at(-1)!);
    writeLines(last, readLines(last).slice(0, -1));
    const run = await verify({ dir }, { ISOTRACE_AUDIT_KEY: KEY });
    expect(run).toEqual({ code: 1, stdout: '', stderr: `isotrace: AUDIT_HEAD_MISMATCH ${join(dir, 'audit.head')} line 1: the log ends after record 4, but its sealed head counts 5: records were removed from the end\n` });
    rmSync(last);
    expect((await verify({ dir }, { ISOTRACE_AUDIT_KEY: KEY })).stderr).toContain('sealed head counts 5');
    rmSync(join(dir, 'audit.head'));
    expect((await verify({ dir }, { ISOTRACE_AUDIT_KEY: KEY })).stderr).toMatch(/^isotrace: AUDIT_HEAD_MISMATCH .*audit\.head line 1: missing: this log was written with a sealed head, which was removed/);
  });

  it('reads the key from the variable --key-env names', async () => {
    const dir = await logOf(2, KEY);
    expect(await verify({ dir, keyEnv: 'MY_AUDIT_KEY' }, { MY_AUDIT_KEY: KEY, ISOTRACE_AUDIT_KEY: 'other' })).toMatchObject({ code: 0 });
  });

  it('issue #13: exits 2 (bad usage), not 1 (broken chain), when the --key-env variable is not set', async () => {
    const dir = await logOf(2, KEY);
    for (const env of [{}, { NOPE: '' }]) {
      expect(await verify({ dir, keyEnv: 'NOPE' }, env)).toEqual({ code: 2, stdout: '', stderr: 'isotrace: CLI_BAD_VALUE --key-env NOPE: the variable is not set or empty\n' });
    }
  });

  it('issue #13: counts one record in one file in the singular', async () => {
    const dir = await writtenLog([sampleRecord(0)], null);
    expect(auditFiles(dir)).toHaveLength(1);
    expect(await verify({ dir }, {})).toEqual({ code: 0, stdout: 'audit: 1 record in 1 file, chain intact, sealed head at record 1\n', stderr: '' });
  });

  it('exits 2 with one line when the directory does not exist', async () => {
    const dir = join(tempDir(), 'missing');
    expect(await runCli(['audit', 'verify', '--dir', dir])).toEqual({ code: 2, stdout: '', stderr: `isotrace: AUDIT_DIR_NOT_FOUND ${dir}: no such directory\n` });
  });

  it('exits 2 when --key-env is not a variable name', async () => {
    const run = await verify({ dir: tempDir(), keyEnv: 'A KEY' }, {});
    expect(run).toMatchObject({ code: 2, stderr: 'isotrace: CLI_BAD_VALUE --key-env: "A KEY" is not an environment variable name\n' });
  });

  it('takes the directory from --dir, else ISOTRACE_AUDIT_DIR, else ./var/audit', () => {
    expect(auditDirFrom({ dir: '/a' }, { ISOTRACE_AUDIT_DIR: '/b' })).toBe('/a');
    expect(auditDirFrom({}, { ISOTRACE_AUDIT_DIR: '/b' })).toBe('/b');
    expect(auditDirFrom({}, {})).toBe('./var/audit');
  });

  it('passes the key down as the utf8 bytes of the variable', () => {
    expect(auditKeyFrom({ ISOTRACE_AUDIT_KEY: 'clé' })).toEqual(Buffer.from([0x63, 0x6c, 0xc3, 0xa9]));
    expect(auditKeyFrom({})).toBeNull();
  });

  it('prints help naming --dir and --key-env and exits 0', async () => {
    const run = await runCli(['audit', 'verify', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--dir <dir>');
    expect(run.stdout).toContain('--key-env <name>');
  });
});
