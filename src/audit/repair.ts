// Start-up of the writer: finds where the chain ends (the last complete record's hash) and repairs
// a torn last line left by a crash: cuts the file back to its last complete line, after copying the
// cut bytes to `<file>.torn-<ms>` for inspection. Logs sizes and names, never the bytes.

import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../common/index.js';
import type { AuditFs } from './audit-fs.js';
import { GENESIS_HASH, parseLine } from './chain.js';
import { AuditError } from './errors.js';
import { listAuditFiles, type AuditFileName } from './files.js';

const CHUNK_BYTES = 64 * 1024;
/** A "line" longer than this is not read into memory: it cannot be a record the writer made. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface ChainTail {
  /** The newest audit file (the writer continues it), or null when there is none. */
  newest: AuditFileName | null;
  /** Its size in bytes after any repair. */
  newestBytes: number;
  /** Hash of the last record in the log; GENESIS_HASH when there is none. */
  head: string;
  /** Torn lines set aside. */
  tornLines: number;
}

/** What cutting a torn tail needs: the directory to sync, the time for the side file's name, the fs. */
export interface TailContext {
  dir: string;
  nowMs: () => number;
  fs: AuditFs;
}

interface Context extends TailContext {
  logger: Logger;
}

/** Index of the last newline before byte `before`, or -1. */
async function lastNewline(h: FileHandle, before: number, buf: Buffer): Promise<number> {
  for (let end = before; end > 0; ) {
    const start = Math.max(0, end - buf.length);
    const { bytesRead } = await h.read(buf, 0, end - start, start);
    const at = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at !== -1) return start + at;
    end = start;
  }
  return -1;
}

/** The line whose newline is byte `end - 1`: its first byte and, unless oversized, its text. */
async function lineEndingAt(h: FileHandle, end: number, buf: Buffer): Promise<{ start: number; text: string | null }> {
  const start = (await lastNewline(h, end - 1, buf)) + 1;
  const length = end - 1 - start;
  if (length > MAX_LINE_BYTES) return { start, text: null };
  const bytes = Buffer.alloc(length);
  await h.read(bytes, 0, length, start);
  return { start, text: bytes.toString('utf8') };
}

function isRecord(text: string | null): boolean {
  return text !== null && 'record' in parseLine(text);
}

/** Copies bytes [from, to) of `h` to a new side file next to `path`; returns the side file's path. */
async function setAside(h: FileHandle, path: string, from: number, to: number, ctx: TailContext): Promise<string> {
  let side = `${path}.torn-${ctx.nowMs()}`;
  let out: FileHandle | null = null;
  for (let n = 1; out === null; n++) {
    try {
      out = await open(side, 'wx', 0o640);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      side = `${path}.torn-${ctx.nowMs()}-${n}`;
    }
  }
  try {
    const buf = Buffer.alloc(CHUNK_BYTES);
    for (let at = from; at < to; ) {
      const { bytesRead } = await h.read(buf, 0, Math.min(buf.length, to - at), at);
      if (bytesRead === 0) break;
      await out.write(buf, 0, bytesRead);
      at += bytesRead;
    }
    await out.sync();
  } finally {
    await out.close();
  }
  return side;
}

/** Sets bytes [keep, size) aside, then cuts the file back to `keep` bytes, synced with its directory. */
async function cutTail(h: FileHandle, path: string, keep: number, size: number, ctx: TailContext): Promise<string> {
  const side = await setAside(h, path, keep, size, ctx);
  await h.truncate(keep);
  await h.datasync();
  await ctx.fs.syncDir(ctx.dir);
  return side;
}

/**
 * A torn tail of any append-only line file in `ctx.dir`: its bytes past `keepBytes` are copied to
 * `<path>.torn-<ms>` for inspection and cut off, file and directory synced. The caller logs it.
 * Returns the side file's path and the bytes cut.
 * @throws the system error of a failed fs call.
 */
export async function cutTornTail(path: string, keepBytes: number, ctx: TailContext): Promise<{ sideFile: string; tornBytes: number }> {
  const h = await open(path, 'r+');
  try {
    const size = (await h.stat()).size;
    if (keepBytes >= size) return { sideFile: '', tornBytes: 0 };
    return { sideFile: await cutTail(h, path, keepBytes, size, ctx), tornBytes: size - keepBytes };
  } finally {
    await h.close();
  }
}

/**
 * Repairs the end of one file: a last line without its newline, or (when there is none) a last
 * line that is not a record, is set aside and cut off. Returns the size kept and the hash of the
 * last record, or null when the file holds none.
 */
async function repairFile(file: AuditFileName, ctx: Context): Promise<{ bytes: number; head: string | null; isRepaired: boolean }> {
  const path = join(ctx.dir, file.name);
  const h = await open(path, 'r+');
  try {
    const size = (await h.stat()).size;
    const buf = Buffer.alloc(CHUNK_BYTES);
    let keep = (await lastNewline(h, size, buf)) + 1;
    let last = keep > 0 ? await lineEndingAt(h, keep, buf) : null;
    if (keep === size && last !== null && !isRecord(last.text)) {
      keep = last.start;
      last = keep > 0 ? await lineEndingAt(h, keep, buf) : null;
    }
    if (keep < size) {
      const side = await cutTail(h, path, keep, size, ctx);
      ctx.logger.warn({ evt: 'audit.torn_line_set_aside', file: path, sideFile: side, tornBytes: size - keep, keptBytes: keep }, 'torn last audit line set aside; the chain continues');
    }
    if (last === null) return { bytes: keep, head: null, isRepaired: keep < size };
    const parsed = last.text === null ? null : parseLine(last.text);
    if (parsed === null || !('record' in parsed)) {
      throw new AuditError('AUDIT_BAD_RECORD', `${path}: the line at byte ${last.start} is not a record (${parsed?.reason ?? 'oversized'}); cannot continue the chain`);
    }
    return { bytes: keep, head: parsed.hash, isRepaired: keep < size };
  } finally {
    await h.close();
  }
}

/**
 * Where the chain in `dir` ends, after repairing a torn tail. Walks back from the newest file past
 * empty ones (a file created just before a crash) to the last record.
 * @throws AuditError AUDIT_BAD_RECORD when the last complete line, once a torn one is set aside, is not a record.
 */
export async function openChainTail(ctx: Context): Promise<ChainTail> {
  const files = await listAuditFiles(ctx.dir);
  const tail: ChainTail = { newest: files.at(-1) ?? null, newestBytes: 0, head: GENESIS_HASH, tornLines: 0 };
  for (let i = files.length - 1; i >= 0; i--) {
    const { bytes, head, isRepaired } = await repairFile(files[i], ctx);
    if (isRepaired) tail.tornLines++;
    if (i === files.length - 1) tail.newestBytes = bytes;
    if (head !== null) {
      tail.head = head;
      break;
    }
  }
  return tail;
}
