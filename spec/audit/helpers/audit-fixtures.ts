// Test helpers for the audit layer: temporary log directories removed after each test, records
// shaped like the switch's, a view of the files on disk, and an AuditFs the test can steer.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { AuditWriter, NODE_AUDIT_FS, type AuditFs } from '../../../src/audit/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-audit-'));
  dirs.push(dir);
  return dir;
}

/** A record as the switch builds one (keys in written order), distinct per `i`. */
export function sampleRecord(i: number): Record<string, unknown> {
  const stan = String(i % 1_000_000).padStart(6, '0');
  return {
    id: `0190a4f2-0000-7000-8000-${String(i).padStart(12, '0')}`,
    trace_id: i.toString(16).padStart(32, '0'),
    received_at: '2026-11-23T20:30:00.123456Z',
    completed_at: '2026-11-23T20:30:00.125001Z',
    duration_us: 1545 + (i % 97),
    source: { conn_id: 7, remote: '127.0.0.1:50412' },
    request: { mti: '0100', stan, rrn: `6327${stan}01`, terminal_id: 'TERM0001', merchant_id: 'MERCHANT0000001', amount: '000000001000', currency: '978', pan: '411111******1111', fields: [2, 3, 4, 7, 11, 41, 49] },
    route: { issuer: 'stub', bin: '411111' },
    outcome: { response_code: '00', approval_code: 'A1B2C3', reason: 'approved', duplicate: false },
    stages: [{ name: 'validate', start_us: 3, duration_us: 12, status: 'ok' }],
    error: null,
  };
}

/** The real AuditFs without syncs: for tests about the content of a log, not its durability. */
export const UNSYNCED_FS: AuditFs = Object.freeze({ ...NODE_AUDIT_FS, datasync: async () => {}, syncDir: async () => {} });

/** Writes `records` with an AuditWriter into a new directory (several files when they pass maxFileBytes). */
export async function writtenLog(records: Array<Record<string, unknown>>, key: Buffer | null, maxFileBytes = 64 * 1024 * 1024): Promise<string> {
  const dir = tempDir();
  const writer = await AuditWriter.open({ dir, mode: 'async', key, maxFileBytes, fs: UNSYNCED_FS, nowMs: () => Date.UTC(2026, 10, 23) });
  for (const record of records) await writer.append(record);
  await writer.close();
  return dir;
}

/** Names of the audit files in `dir`, sorted, side files excluded. */
export function auditFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => /^audit-\d{8}-\d+\.ndjson$/.test(n)).sort();
}

/** Every line (without newline) of every audit file, in order, parsed. */
export function storedRecords(dir: string): Array<Record<string, unknown>> {
  return auditFiles(dir).flatMap((name) => readLines(join(dir, name)).map((l) => JSON.parse(l) as Record<string, unknown>));
}

/** The complete lines of a file (a trailing partial line included if present). */
export function readLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

export function writeLines(path: string, lines: string[]): void {
  writeFileSync(path, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}

function sysError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall });
}

/**
 * The real AuditFs with hooks: counts writes and syncs, can hold syncs back until released, and
 * can fail writes or syncs with a system error code (as a full or read-only disk would).
 */
export class SteeredFs implements AuditFs {
  writes = 0;
  syncs = 0;
  /** When set, write() writes half of the data, then throws this code. */
  failWrite: string | null = null;
  /** When set, datasync() throws this code. */
  failSync: string | null = null;
  /** When set, openAppend() throws this code. */
  failOpen: string | null = null;
  #held: Array<() => void> | null = null;

  openAppend = (path: string): Promise<number> => (this.failOpen === null ? NODE_AUDIT_FS.openAppend(path) : Promise.reject(sysError(this.failOpen, 'open')));
  truncate = (fd: number, bytes: number): Promise<void> => NODE_AUDIT_FS.truncate(fd, bytes);
  close = (fd: number): Promise<void> => NODE_AUDIT_FS.close(fd);
  syncDir = (dir: string): Promise<void> => NODE_AUDIT_FS.syncDir(dir);
  openInPlace = (path: string): Promise<number> => NODE_AUDIT_FS.openInPlace(path);
  writeAt = (fd: number, data: Buffer, position: number): Promise<void> => NODE_AUDIT_FS.writeAt(fd, data, position);

  write = async (fd: number, data: Buffer): Promise<void> => {
    this.writes++;
    if (this.failWrite === null) return NODE_AUDIT_FS.write(fd, data);
    await NODE_AUDIT_FS.write(fd, data.subarray(0, data.length >> 1));
    throw sysError(this.failWrite, 'write');
  };

  datasync = async (fd: number): Promise<void> => {
    this.syncs++;
    if (this.#held !== null) await new Promise<void>((resolve) => this.#held?.push(resolve));
    if (this.failSync !== null) throw sysError(this.failSync, 'fdatasync');
    return NODE_AUDIT_FS.datasync(fd);
  };

  /** From now on, syncs wait until release(). */
  hold(): void {
    this.#held ??= [];
  }

  /** Syncs held back so far. */
  get heldSyncs(): number {
    return this.#held?.length ?? 0;
  }

  /** Lets every held sync go on, and stops holding. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const go of held) go();
  }
}
