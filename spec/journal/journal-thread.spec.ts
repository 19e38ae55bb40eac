// JournalThread: the switch's journal on a worker thread (the built dist/ copy of the worker; run
// `npm run build` first). Strict records resolve once on disk, async ones at once; batches per
// turn; txn.done lines reach the given logger; the record text is the switch's own.

import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditError, AuditWriter, auditFileName, verifyAudit } from '../../src/audit/index.js';
import { JournalThread, resolveJournalOptions, type JournalThreadOptions } from '../../src/journal/index.js';
import { IsoMessage } from '../../src/codec/index.js';
import { auditRecordJson } from '../../src/audit/index.js';
import { TxnContext, TxnOutcome } from '../../src/switch/index.js';
import { IdSource, TraceRecord } from '../../src/trace/index.js';
import { sampleRecord, storedRecords, tempDir } from '../audit/helpers/audit-fixtures.js';
import { LogCollector } from '../helpers/log-collector.js';
import { testCards } from '../helpers/test-cards.js';

const PAN = testCards()[0].pan;
const ids = new IdSource();

/** The outcome of an approved 0100 for PAN with STAN `i`, as the switch leaves it for its journal. */
function approval(i: number): TxnOutcome {
  const stan = String(i).padStart(6, '0');
  const receivedAtUs = Date.UTC(2026, 10, 23, 20, 30, 0) * 1000 + i * 1000;
  const request = new IsoMessage('0100').set(2, PAN).set(3, '000000').set(4, '000000010000').set(7, '1123203000')
    .set(11, stan).set(41, 'TERM0001').set(42, 'MERCHANT0000001').set(49, '840');
  const ctx = new TxnContext(new TraceRecord(ids, 'iso8583 0100', receivedAtUs), { connId: `c${i}`, remote: '127.0.0.1:40000' }, receivedAtUs, request, null);
  ctx.pan = PAN;
  ctx.route = { issuer: 'stub', bin: PAN.slice(0, 6) };
  ctx.responseCode = '00';
  ctx.approvalCode = 'A1B2C3';
  ctx.reason = 'approved';
  ctx.response = new IsoMessage('0110').set(11, stan).set(38, 'A1B2C3').set(39, '00');
  ctx.trace.startSpan('validate', ctx.trace.root, receivedAtUs + 3).end('ok', receivedAtUs + 15);
  ctx.completedAtUs = receivedAtUs + 1500 + i;
  return TxnOutcome.of(ctx);
}

const open: JournalThread[] = [];
afterEach(async () => {
  for (const j of open.splice(0)) await j.close().catch(() => {});
});

/** A JournalThread on `dir`, closed after the test; txn.done lines go to `logger`. */
async function openJournal(dir: string, extra: Partial<JournalThreadOptions> = {}): Promise<JournalThread> {
  const journal = await JournalThread.open({ dir, mode: 'strict', key: null, logDest: null, ...extra });
  open.push(journal);
  return journal;
}

/** How many whole lines the audit files hold, read while a write may be under way. */
function completeLines(dir: string): number {
  let lines = 0;
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.ndjson')) lines += readFileSync(join(dir, name), 'latin1').split('\n').length - 1;
  }
  return lines;
}

/** A stored record without what the writer adds (prev, hash) and what differs per call (id). */
function content(record: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, prev: _prev, hash: _hash, chain: _chain, ...rest } = record;
  return rest;
}

/**
 * A log of one record in a file dated far ahead (so the worker's clock never starts a new day), and
 * the name its next file would take: a directory made there makes the next rotation fail.
 */
async function logWithBlockedRotation(): Promise<{ dir: string; blocker: string }> {
  const dir = tempDir();
  const seed = await AuditWriter.open({ dir, mode: 'strict', key: null, nowMs: () => Date.UTC(2099, 0, 1) });
  await seed.append(sampleRecord(1));
  await seed.close();
  return { dir, blocker: join(dir, auditFileName(20990101, 2)) };
}

describe('JournalThread', () => {
  it('resolves a strict record only once it is on disk, in a log that verifies', async () => {
    const dir = tempDir();
    const journal = await openJournal(dir);
    const s = approval(1);
    await journal.record(s);
    const records = storedRecords(dir);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ trace_id: s.traceId, request: { stan: '000001' }, outcome: { response_code: '00' } });
    await journal.record(approval(2));
    expect(storedRecords(dir).map((r) => (r.request as { stan: string }).stan)).toEqual(['000001', '000002']);
    await journal.close();
    const verified = await verifyAudit(dir, null);
    expect(verified).toMatchObject({ ok: true, files: 1, records: 2 });
    expect(verified.ok && verified.head).toBe(journal.head);
  });

  it('writes the records of one turn in fewer batches than records', async () => {
    const dir = tempDir();
    const journal = await openJournal(dir);
    const count = 50;
    const outcomes = Array.from({ length: count }, (_, i) => approval(i));
    await Promise.all(outcomes.map((s) => journal.record(s)));
    await journal.close();
    expect(journal.stats.records).toBe(count);
    expect(journal.stats.batches).toBeGreaterThan(0);
    expect(journal.stats.batches).toBeLessThan(count);
    expect(journal.stats.failures).toBe(0);
    expect(storedRecords(dir).map((r) => r.trace_id)).toEqual(outcomes.map((s) => s.traceId));
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: count });
  });

  it('strict: sends a batch once it holds 16 outcomes, so that it is on disk before the turn that made it ends', async () => {
    const dir = tempDir();
    const journal = await openJournal(dir);
    const first = Array.from({ length: 16 }, (_, i) => approval(i));
    const pending = first.map((s) => journal.record(s));
    // Still the same turn: the first 16 reach the disk while this loop holds the event loop.
    const until = Date.now() + 10_000;
    let seen = 0;
    while (seen < 16 && Date.now() < until) seen = completeLines(dir);
    expect(seen).toBe(16);
    const last = approval(16);
    pending.push(journal.record(last));
    expect(completeLines(dir)).toBe(16); // the 17th waits for the end of the turn
    await Promise.all(pending);
    expect(storedRecords(dir).map((r) => r.trace_id)).toEqual([...first, last].map((s) => s.traceId));
  });

  it('keeps the order of records across turns', async () => {
    const dir = tempDir();
    const journal = await openJournal(dir, { mode: 'async' });
    const sent: TxnOutcome[] = [];
    for (let turn = 0; turn < 5; turn++) {
      for (let i = 0; i < 4; i++) {
        const s = approval(turn * 10 + i);
        sent.push(s);
        void journal.record(s);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await journal.close();
    expect(storedRecords(dir).map((r) => r.trace_id)).toEqual(sent.map((s) => s.traceId));
  });

  it('logs a txn.done line per record on the given logger, with trace id and rc and no clear PAN', async () => {
    const dir = tempDir();
    const log = new LogCollector('info');
    const journal = await openJournal(dir, { logger: log });
    const outcomes = [approval(7), approval(8)];
    await Promise.all(outcomes.map((s) => journal.record(s)));
    const lines = await Promise.all([1, 2].map((nth) => log.next('txn.done', () => true, nth)));
    await journal.close();
    expect(lines.map((l) => [l.trace_id, l.span_id, l.stan, l.rc, l.msg])).toEqual(
      outcomes.map((s) => [s.traceId, s.spanId, s.stan, '00', 'approved']),
    );
    expect(lines[0]).toMatchObject({ level: 'info', mti: '0100', issuer: 'stub', duplicate: false, duration_us: 1507 });
    expect(log.events('txn.done')).toHaveLength(2);
    expect(log.text()).not.toContain(PAN);
    expect(JSON.stringify(storedRecords(dir))).not.toContain(PAN);
  });

  it('passes the writer\'s own lines (audit.opened, audit.closed) to the given logger', async () => {
    const dir = tempDir();
    const log = new LogCollector('info');
    const journal = await openJournal(dir, { logger: log });
    await journal.record(approval(1));
    await journal.close();
    expect(log.events('audit.opened')).toEqual([expect.objectContaining({ dir, mode: 'strict', isKeyed: false })]);
    expect(log.events('audit.closed')).toEqual([expect.objectContaining({ records: 1 })]);
  });

  it('issue #14: opens its audit log in the journal\'s own mode (audit.opened and audit.write_failed say async)', async () => {
    const { dir, blocker } = await logWithBlockedRotation();
    const log = new LogCollector('info');
    const journal = await openJournal(dir, { mode: 'async', logger: log, maxFileBytes: 1024 });
    expect(log.events('audit.opened')).toEqual([expect.objectContaining({ dir, mode: 'async' })]);
    mkdirSync(blocker);
    await journal.record(approval(2));
    expect(await log.next('audit.write_failed')).toMatchObject({ mode: 'async' });
    await journal.close();
    rmdirSync(blocker);
  });

  it('issue #14: takes options resolved once by resolveJournalOptions, and checks raw ones itself', async () => {
    const dir = tempDir();
    const resolved = resolveJournalOptions({ dir, mode: 'strict', key: null });
    expect(resolveJournalOptions(resolved)).toBe(resolved);
    expect(Object.isFrozen(resolved)).toBe(true);
    const journal = await JournalThread.open(resolved);
    open.push(journal);
    await journal.record(approval(1));
    expect(storedRecords(dir)).toHaveLength(1);
    await expect(JournalThread.open({ dir, mode: 'later' as 'strict', key: null })).rejects.toMatchObject({ code: 'CONFIG_INVALID', path: 'audit.mode' });
    expect(() => resolveJournalOptions({ dir, mode: 'strict', key: null, logDest: 1 })).toThrow(/journal\.logModule/);
  });

  it('issue #14: writes txn.done lines itself with the logger the named module makes, on the given fd', async () => {
    const dir = tempDir();
    const logPath = join(tempDir(), 'log.jsonl');
    const fd = openSync(logPath, 'w');
    const logModule = new URL('../../src/cli/logger.ts', import.meta.url).href;
    const journal = await openJournal(dir, { logDest: fd, logLevel: 'info', logModule });
    const outcomes = [approval(3), approval(4)];
    await Promise.all(outcomes.map((s) => journal.record(s)));
    await journal.close();
    closeSync(fd);
    const lines = readFileSync(logPath, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.evt, l.service, l.trace_id, l.rc])).toEqual(outcomes.map((s) => ['txn.done', 'isotrace', s.traceId, '00']));
  });

  it('resolves an async record at once, before it is even sent, and writes every record by close()', async () => {
    const dir = tempDir();
    const journal = await openJournal(dir, { mode: 'async' });
    const outcomes = Array.from({ length: 20 }, (_, i) => approval(i));
    for (const s of outcomes) await journal.record(s);
    // The batch goes to the worker after this turn: nothing can be on disk yet.
    expect(storedRecords(dir)).toHaveLength(0);
    await journal.close();
    expect(storedRecords(dir).map((r) => r.trace_id)).toEqual(outcomes.map((s) => s.traceId));
    expect(journal.stats.records).toBe(20);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 20 });
  });

  it.each([['strict', 0], ['async', 10]] as const)('runs its thread in %s mode at the process\'s nice value plus %i', async (mode, by) => {
    const journal = await openJournal(tempDir(), { mode });
    const base = getPriority();
    const expected = process.platform === 'linux' ? Math.min(19, base + by) : 0;
    expect(journal.nice).toBe(expected);
    if (process.platform === 'linux') {
      // The kernel's view: the journal thread has that nice value, and the event loop keeps its own.
      const nices = readdirSync('/proc/self/task').map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      });
      expect(nices).toContain(expected);
      expect(getPriority()).toBe(base);
      if (by > 0) expect(nices.filter((n) => n === expected)).toHaveLength(1);
    }
  });

  it.each(['strict', 'async'] as const)('rejects a record after close() with AUDIT_CLOSED in %s mode', async (mode) => {
    const journal = await openJournal(tempDir(), { mode });
    await journal.close();
    const late = journal.record(approval(1));
    await expect(late).rejects.toBeInstanceOf(AuditError);
    await expect(late).rejects.toMatchObject({ code: 'AUDIT_CLOSED' });
  });

  it('rejects open with AUDIT_OPEN_FAILED when dir is a regular file', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const opening = JournalThread.open({ dir: file, mode: 'strict', key: null, logDest: null });
    await expect(opening).rejects.toBeInstanceOf(AuditError);
    await expect(opening).rejects.toMatchObject({ code: 'AUDIT_OPEN_FAILED' });
  });

  it('rejects a strict record with AUDIT_WRITE_FAILED and logs rc 96 when its batch cannot be written', async () => {
    const { dir, blocker } = await logWithBlockedRotation();
    const log = new LogCollector('info');
    const journal = await openJournal(dir, { logger: log, maxFileBytes: 1024 });
    mkdirSync(blocker);
    const s = approval(5);
    await expect(journal.record(s)).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED' });
    const line = await log.next('txn.done');
    expect(line).toMatchObject({ trace_id: s.traceId, rc: '96', err: { code: 'AUDIT_WRITE_FAILED' }, msg: 'audit record not written' });
    expect(log.events('audit.write_failed')).toHaveLength(1);
    await journal.close();
    expect(journal.stats).toMatchObject({ records: 0, failures: 1, recordsFailed: 1 });
    rmdirSync(blocker);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 1 });
  });

  it('resolves an async record whose batch cannot be written, and its txn.done line keeps the rc the terminal got', async () => {
    const { dir, blocker } = await logWithBlockedRotation();
    const log = new LogCollector('info');
    const journal = await openJournal(dir, { mode: 'async', logger: log, maxFileBytes: 1024 });
    mkdirSync(blocker);
    const s = approval(6);
    await journal.record(s);
    const line = await log.next('txn.done');
    expect(line).toMatchObject({ trace_id: s.traceId, rc: '00', msg: 'approved' });
    expect(line.err).toBeUndefined();
    await log.next('audit.write_failed');
    await journal.close();
    expect(journal.stats).toMatchObject({ records: 0, failures: 1, recordsFailed: 1 });
  });

  it('seals records with the HMAC key: the log verifies with that key and not without it', async () => {
    const dir = tempDir();
    const key = Buffer.from('journal thread test key', 'utf8');
    const journal = await openJournal(dir, { key });
    await Promise.all([1, 2, 3].map((i) => journal.record(approval(i))));
    await journal.close();
    expect(await verifyAudit(dir, key)).toMatchObject({ ok: true, records: 3 });
    await expect(verifyAudit(dir, null)).rejects.toMatchObject({ code: 'AUDIT_KEY_REQUIRED' });
    expect(await verifyAudit(dir, Buffer.from('another key'))).toMatchObject({ ok: false, line: 1 });
  });

  it('writes the record text auditRecordJson makes for each outcome, but for id, prev and hash', async () => {
    const dir = tempDir();
    const journal = await openJournal(dir);
    const outcomes = [approval(3), approval(4)];
    await Promise.all(outcomes.map((s) => journal.record(s)));
    await journal.close();
    const stored = storedRecords(dir);
    expect(stored.map((r) => Object.keys(r).slice(-2))).toEqual([['prev', 'hash'], ['prev', 'hash']]);
    const expected = outcomes.map((s) => content(JSON.parse(auditRecordJson(s, new IdSource())) as Record<string, unknown>));
    expect(stored.map(content)).toEqual(expected);
    expect(expected[0]).toMatchObject({ request: { pan: `${PAN.slice(0, 6)}${'*'.repeat(PAN.length - 10)}${PAN.slice(-4)}` } });
    expect(stored.every((r) => typeof r.id === 'string' && /^[0-9a-f-]{36}$/.test(r.id))).toBe(true);
  });
});
