// AuditLock in one process: the LOCK file's content, refusals naming the holder, take-over of a
// holder that has ended, and a release that removes only its own lock.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditError, AuditLock, LOCK_FILE } from '../../src/audit/index.js';
import { CaptureLogger } from '../transport/helpers/capture-logger.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function auditDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-lock-'));
  dirs.push(dir);
  return join(dir, 'audit');
}

function refusal(dir: string): AuditError {
  try {
    AuditLock.acquire(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(AuditError);
    return err as AuditError;
  }
  throw new Error('the lock was granted');
}

const holderLine = (pid: number, host = hostname(), bootId: string | null = BOOT_ID): string => `${JSON.stringify({ pid, host, bootId, startedAt: '2026-01-01T00:00:00.000Z' })}\n`;
const BOOT_ID = existsSync('/proc/sys/kernel/random/boot_id') ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() : null;

describe('AuditLock', () => {
  it('issue #13: creates the directory and a LOCK file naming this pid, host and start time', () => {
    const dir = auditDir();
    const lock = AuditLock.acquire(dir);
    expect(lock.path).toBe(join(dir, LOCK_FILE));
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toEqual({ pid: process.pid, host: hostname(), bootId: BOOT_ID, startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('issue #13: refuses a second writer while the first holds it, and grants it once released', () => {
    const dir = auditDir();
    const first = AuditLock.acquire(dir);
    expect(refusal(dir)).toMatchObject({ code: 'AUDIT_LOCKED', message: expect.stringMatching(new RegExp(`^audit directory ${dir} is in use by pid ${process.pid} \\(since `)) });
    first.release();
    AuditLock.acquire(dir).release();
  });

  it.each([
    ['a process on another host', holderLine(1, 'elsewhere.example'), /^audit directory .* is in use by pid 1 on host elsewhere\.example \(since 2026-01-01T00:00:00\.000Z\)$/],
    ['a lock file naming no process', 'garbage', /^audit directory .* has a lock file naming no process; remove .*LOCK if no switch uses the directory$/],
  ])('issue #13: refuses a lock held by %s', (_what, content, message) => {
    const dir = auditDir();
    AuditLock.acquire(dir).release();
    writeFileSync(join(dir, LOCK_FILE), content);
    expect(refusal(dir)).toMatchObject({ code: 'AUDIT_LOCKED', message: expect.stringMatching(message) });
  });

  it('issue #13: takes over the lock of a process on this host that has ended, logging it', async () => {
    const dir = auditDir();
    AuditLock.acquire(dir).release();
    const ended = spawn(process.execPath, ['-e', '']);
    await once(ended, 'exit');
    writeFileSync(join(dir, LOCK_FILE), holderLine(ended.pid!));
    const log = new CaptureLogger();
    const lock = AuditLock.acquire(dir, log);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    expect(log.events('audit.lock_taken_over')).toMatchObject([{ level: 'warn', dir, pid: ended.pid }]);
    lock.release();
  });

  it('issue #13: takes over a lock taken before the last reboot, even when its pid now runs another program', () => {
    const dir = auditDir();
    AuditLock.acquire(dir).release();
    writeFileSync(join(dir, LOCK_FILE), holderLine(process.ppid, hostname(), '00000000-0000-4000-8000-000000000000'));
    const lock = AuditLock.acquire(dir);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('issue #13: refuses a lock of a running process on this host taken in this boot', () => {
    const dir = auditDir();
    AuditLock.acquire(dir).release();
    writeFileSync(join(dir, LOCK_FILE), holderLine(process.ppid));
    expect(refusal(dir)).toMatchObject({ code: 'AUDIT_LOCKED', message: expect.stringContaining(`is in use by pid ${process.ppid} (since 2026-01-01T00:00:00.000Z)`) });
  });

  it('issue #13: leaves a lock file that is no longer its own when released', () => {
    const dir = auditDir();
    const lock = AuditLock.acquire(dir);
    writeFileSync(lock.path, holderLine(1, 'elsewhere.example'));
    lock.release();
    expect(readFileSync(lock.path, 'utf8')).toBe(holderLine(1, 'elsewhere.example'));
  });
});
