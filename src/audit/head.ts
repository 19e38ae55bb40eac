// The sealed head: `audit.head` beside the log says how many records the chain held after the
// last batch and the hash of the last one, MACed like the records, so that records cut off the end
// are found. One fixed-size line, overwritten in place per batch (no new blocks: works on a full disk).

import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { chainMarkOf, parseLine, type Digest } from './chain.js';
import { AuditError, systemCode } from './errors.js';
import type { AuditFileName } from './files.js';

/** The head file's name in the audit directory (never an audit file: listAuditFiles skips it). */
export const HEAD_FILE = 'audit.head';
/** The head file's size: one JSON line padded with spaces, so every update overwrites the same bytes. */
export const HEAD_BYTES = 256;
const HEX64 = /^[0-9a-f]{64}$/;
const CHUNK_BYTES = 256 * 1024;

/** What the head seals. */
export interface SealedHead {
  keyed: boolean;
  /** Records in the chain, from its first record ever (files deleted by retention included). */
  records: number;
  /** Hash of record number `records` (64 zeros for none). */
  head: string;
  /** The file that record is in, and that file's size just after it. */
  file: string;
  bytes: number;
}

function canonical(h: SealedHead): string {
  return `{"version":1,"keyed":${h.keyed},"records":${h.records},"head":"${h.head}","file":"${h.file}","bytes":${h.bytes}}`;
}

/** The head file's bytes for `h`: canonical form plus its `mac` (digest of the canonical form), padded. */
export function formatHead(h: SealedHead, digest: Digest, out: Buffer = Buffer.alloc(HEAD_BYTES)): Buffer {
  const text = canonical(h);
  const n = out.write(`${text.slice(0, -1)},"mac":"${digest(text)}"}`, 0, 'latin1');
  out.fill(0x20, n, HEAD_BYTES - 1);
  out[HEAD_BYTES - 1] = 0x0a;
  return out;
}

/** A head file read back: what it says and its mac, or why it is not a head. */
export type ParsedHead = { head: SealedHead; mac: string; canonical: string } | { reason: string };

/** Parses a head file's text; does not check its mac. */
export function parseHead(text: string): ParsedHead {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { reason: 'not valid JSON' };
  }
  if (typeof v !== 'object' || v === null || v.version !== 1) return { reason: 'not a version 1 head' };
  const { keyed, records, head, file, bytes, mac } = v;
  if (typeof keyed !== 'boolean' || !Number.isSafeInteger(records) || typeof head !== 'string' || !HEX64.test(head)
    || typeof file !== 'string' || !Number.isSafeInteger(bytes) || typeof mac !== 'string') {
    return { reason: 'a field is missing or of the wrong type' };
  }
  const sealed: SealedHead = { keyed, records: records as number, head, file, bytes: bytes as number };
  return { head: sealed, mac, canonical: canonical(sealed) };
}

/** Reads of the head tried until two in a row give the same bytes. */
const READS_TO_AGREE = 5;

async function readText(h: FileHandle): Promise<string> {
  const buf = Buffer.alloc(HEAD_BYTES * 4);
  const { bytesRead } = await h.read(buf, 0, buf.length, 0);
  return buf.toString('latin1', 0, bytesRead);
}

/**
 * The head file of `dir` parsed, or null when there is none.
 * @throws AuditError AUDIT_OPEN_FAILED when it exists but cannot be read.
 */
export async function readHead(dir: string): Promise<ParsedHead | null> {
  const path = join(dir, HEAD_FILE);
  try {
    const h = await open(path, 'r');
    try {
      // A running writer may be overwriting it: a read is taken once two in a row agree.
      let text = '';
      for (let i = 0; i < READS_TO_AGREE; i++) {
        const again = await readText(h);
        if (again === text) break;
        text = again;
      }
      // Empty: created, then a crash before its first write (the writer opens it before any record).
      return text === '' ? null : parseHead(text);
    } finally {
      await h.close();
    }
  } catch (err) {
    if (systemCode(err) === 'ENOENT') return null;
    throw new AuditError('AUDIT_OPEN_FAILED', `${path}: cannot read the sealed head (${systemCode(err)})`, { cause: err });
  }
}

/** Newlines in `path` from byte `from` on: the records there, every line of a closed file being one. */
async function linesFrom(path: string, from: number): Promise<number> {
  const h = await open(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK_BYTES);
    let lines = 0;
    for (let at = from; ;) {
      const { bytesRead } = await h.read(buf, 0, buf.length, at);
      if (bytesRead === 0) return lines;
      for (let i = buf.indexOf(0x0a); i !== -1 && i < bytesRead; i = buf.indexOf(0x0a, i + 1)) lines++;
      at += bytesRead;
    }
  } finally {
    await h.close();
  }
}

/** True when the first line of `path` is a record with a chain mark: written with a sealed head, and where verification can start. */
export async function startsWithChainMark(path: string): Promise<boolean> {
  const h = await open(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK_BYTES);
    const { bytesRead } = await h.read(buf, 0, buf.length, 0);
    const end = buf.subarray(0, bytesRead).indexOf(0x0a);
    const parsed = end === -1 ? null : parseLine(buf.toString('utf8', 0, end));
    return parsed !== null && 'record' in parsed && chainMarkOf(parsed.record) !== null;
  } finally {
    await h.close();
  }
}

/**
 * How many records the chain in `dir` holds, at the writer's start (torn tail already repaired):
 * the sealed head's count plus the lines written after it (a crash between a batch's sync and the
 * head's update), or, with no head (a log from before heads were kept), every line counted once.
 * @throws AuditError AUDIT_HEAD_MISMATCH when the log ends before the head: records were removed.
 */
export async function recordsAtOpen(dir: string, files: readonly AuditFileName[], parsed: ParsedHead | null): Promise<number> {
  if (parsed === null) {
    if (files.length > 0 && (await startsWithChainMark(join(dir, files[0].name)))) {
      throw new AuditError('AUDIT_HEAD_MISMATCH', `${join(dir, HEAD_FILE)} is missing, yet the log was written with one: it was removed, and with it what shows a cut-off tail; run isotrace audit verify`);
    }
    let records = 0;
    for (const f of files) records += await linesFrom(join(dir, f.name), 0);
    return records;
  }
  if (!('head' in parsed)) throw new AuditError('AUDIT_HEAD_MISMATCH', `${join(dir, HEAD_FILE)}: ${parsed.reason}; run isotrace audit verify`);
  const { head } = parsed;
  const at = files.findIndex((f) => f.name === head.file);
  if (head.records === 0 && at === -1) return recordsAtOpen(dir, files, null);
  const size = at === -1 ? -1 : (await stat(join(dir, head.file))).size;
  if (size < head.bytes) {
    const where = at === -1 ? 'is gone' : `holds ${size} bytes`;
    throw new AuditError('AUDIT_HEAD_MISMATCH', `${join(dir, HEAD_FILE)} seals ${head.records} records up to byte ${head.bytes} of ${head.file}, which ${where}: records were removed from the end; run isotrace audit verify`);
  }
  let records = head.records + (await linesFrom(join(dir, head.file), head.bytes));
  for (const f of files.slice(at + 1)) records += await linesFrom(join(dir, f.name), 0);
  return records;
}
