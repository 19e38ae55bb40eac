// AuditWriter options: frozen defaults, eager checks naming the option, hints for renamed options,
// and open() failures reported as AuditError AUDIT_OPEN_FAILED.

import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditWriter, DEFAULT_AUDIT_WRITER_OPTIONS, NODE_AUDIT_FS, type AuditWriterOptions } from '../../src/audit/index.js';
import { ConfigError } from '../../src/common/index.js';
import { tempDir } from './helpers/audit-fixtures.js';

const BASE: AuditWriterOptions = { dir: 'unused', mode: 'strict', key: null };

describe('AuditWriter options', () => {
  it('has frozen defaults of 64 MiB files, the real fs and Date.now', () => {
    expect(Object.isFrozen(DEFAULT_AUDIT_WRITER_OPTIONS)).toBe(true);
    expect(DEFAULT_AUDIT_WRITER_OPTIONS).toMatchObject({ maxFileBytes: 64 * 1024 * 1024, fs: NODE_AUDIT_FS, nowMs: Date.now });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['dir is empty', { dir: '' }, /^audit\.dir: required/],
    ['mode is unknown', { mode: 'sync' }, /^audit\.mode: expected one of strict, async, got "sync"/],
    ['key is a string', { key: 'secret' }, /^audit\.key: expected a non-empty Buffer/],
    ['key is empty', { key: Buffer.alloc(0) }, /^audit\.key: expected a non-empty Buffer/],
    ['maxFileBytes is too small', { maxFileBytes: 10 }, /^audit\.maxFileBytes: expected an integer in 1024\.\./],
    ['logger lacks error()', { logger: {} }, /^audit\.logger: expected a Logger/],
    ['nowMs is a number', { nowMs: 5 }, /^audit\.nowMs: expected a function/],
    ['fs lacks datasync', { fs: { ...NODE_AUDIT_FS, datasync: undefined } }, /^audit\.fs\.datasync: expected a function/],
    ['an option is unknown', { maxFiles: 3 }, /^audit\.maxFiles: unknown option; known options: dir, mode, key/],
    ['an option has another name', { auditDir: './x' }, /^audit\.auditDir: unknown option; it is now called dir/],
  ])('throws ConfigError when %s', async (_what, extra, message) => {
    const err = await AuditWriter.open({ ...BASE, ...extra } as AuditWriterOptions).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(message);
  });

  it('does not show the key in a ConfigError', async () => {
    const err = await AuditWriter.open({ ...BASE, key: 'hunter2-secret' as unknown as Buffer }).catch((e: unknown) => e);
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('throws AUDIT_OPEN_FAILED naming the directory when it cannot be created', async () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'file'), 'x');
    const dir = join(parent, 'file', 'audit');
    await expect(AuditWriter.open({ ...BASE, dir })).rejects.toMatchObject({ name: 'AuditError', code: 'AUDIT_OPEN_FAILED', message: `${dir}: cannot open the audit log (ENOTDIR)` });
  });

  it('issue #13: throws AUDIT_OPEN_FAILED for a directory under /proc rather than never returning', async () => {
    await expect(AuditWriter.open({ ...BASE, dir: '/proc/nope/audit' })).rejects.toMatchObject({ code: 'AUDIT_OPEN_FAILED', message: '/proc/nope/audit: cannot open the audit log (ENOENT)' });
  });

  it('creates every missing parent of the directory', async () => {
    const dir = join(tempDir(), 'a', 'b', 'audit');
    const writer = await AuditWriter.open({ ...BASE, dir });
    await writer.close();
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('throws AUDIT_OPEN_FAILED when the first file cannot be opened', async () => {
    const fs = { ...NODE_AUDIT_FS, openAppend: () => Promise.reject(Object.assign(new Error('read-only'), { code: 'EROFS' })) };
    await expect(AuditWriter.open({ ...BASE, dir: tempDir(), fs })).rejects.toMatchObject({ code: 'AUDIT_OPEN_FAILED', message: /\(EROFS\)$/ });
  });
});
