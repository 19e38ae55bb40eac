// SafQueue over real files: durability order (resolved only once synced, one sync per turn),
// delivery order per issuer, first send then repeats, replay after restart, write failures.

import { describe, expect, it } from 'vitest';
import { SafError, SafQueue } from '../../src/saf/index.js';
import { SteeredFs } from '../audit/helpers/audit-fixtures.js';
import { CaptureLogger } from '../transport/helpers/capture-logger.js';
import { advice, logEvents, openQueue, safDir } from './helpers/saf-fixtures.js';

/** Resolves once a sync is being held back (the batch's write is done): however busy the thread pool. */
async function untilHeld(fs: SteeredFs): Promise<void> {
  while (fs.heldSyncs === 0) await new Promise((r) => setImmediate(r));
}

/** Settles within a few turns of the event loop? (A held sync keeps it pending.) */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return settled;
}

describe('SafQueue', () => {
  it('issue #15: enqueue resolves only once its line is synced, and one turn of enqueues shares one write and one sync', async () => {
    const dir = safDir();
    const fs = new SteeredFs();
    const q = await openQueue(dir, { fs });
    const before = { writes: fs.writes, syncs: fs.syncs };
    fs.hold();
    const ids = [q.enqueue(advice(1)), q.enqueue(advice(2)), q.enqueue(advice(3, 'zenith'))];
    try {
      await untilHeld(fs);
      expect(await isSettled(ids[0])).toBe(false);
      expect(fs.heldSyncs).toBe(1);
    } finally {
      fs.release();
    }
    expect(await Promise.all(ids)).toEqual([1, 2, 3]);
    expect({ writes: fs.writes - before.writes, syncs: fs.syncs - before.syncs }).toEqual({ writes: 1, syncs: 1 });
    expect(logEvents(dir).map((e) => [e.ev, e.id])).toEqual([['log', undefined], ['entry', 1], ['entry', 2], ['entry', 3]]);
  });

  it('issue #15: markSent is on disk before it resolves, so a caller never sends an advice the log does not know was sent', async () => {
    const fs = new SteeredFs();
    const q = await openQueue(safDir(), { fs });
    const id = await q.enqueue(advice(1));
    fs.hold();
    const sent = q.markSent(id);
    try {
      await untilHeld(fs);
      expect(await isSettled(sent)).toBe(false);
    } finally {
      fs.release();
    }
    expect(await sent).toMatchObject({ mti: '0420', isRepeat: false });
  });

  it('issue #15: delivers in order per issuer: next is the oldest entry owed to that issuer, whatever the others owe', async () => {
    const q = await openQueue(safDir());
    for (const [i, issuer] of [[1, 'acme'], [2, 'zenith'], [3, 'acme'], [4, 'zenith']] as const) await q.enqueue(advice(i, issuer));
    expect(q.next('acme')?.entry.id).toBe(1);
    expect(q.next('zenith')?.entry.id).toBe(2);
    expect(q.next('nobody')).toBeNull();
    await q.acknowledge(1);
    expect(q.next('acme')?.entry.id).toBe(3);
    expect(q.next('zenith')?.entry.id).toBe(2);
    expect(q.issuers().sort()).toEqual(['acme', 'zenith']);
    expect(q.entries('zenith').map((e) => e.id)).toEqual([2, 4]);
  });

  it('issue #15: an advice goes out as 0420 once, then as 0421 after it was marked sent; attempts and backoff count up', async () => {
    let now = 1_000_000;
    const q = await openQueue(safDir(), { nowMs: () => now, retryInitialMs: 1000, retryMaxMs: 3000 });
    const id = await q.enqueue(advice(1));
    expect(q.next('acme')).toMatchObject({ mti: '0420', isRepeat: false, entry: { state: 'queued', attempts: 0, nextAttemptAt: now, lastAttemptAt: null } });
    const waits: number[] = [];
    const mtis: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = await q.markSent(id);
      mtis.push(d.mti);
      waits.push(d.entry.nextAttemptAt - now);
      now += 10;
    }
    expect(mtis).toEqual(['0420', '0421', '0421', '0421']);
    expect(waits).toEqual([1000, 2000, 3000, 3000]);
    expect(q.next('acme')).toMatchObject({ mti: '0421', isRepeat: true, entry: { state: 'sent', attempts: 4, lastAttemptAt: now - 10 } });
    expect((await q.retry(id)).nextAttemptAt).toBe(now);
  });

  it('issue #15: acknowledge resolves with the whole entry (for its audit record) and it is owed no more', async () => {
    const q = await openQueue(safDir());
    const id = await q.enqueue(advice(7));
    await q.markSent(id);
    const acked = await q.acknowledge(id);
    expect(acked).toMatchObject({ id, issuer: 'acme', state: 'acknowledged', attempts: 1, reason: 'issuer timeout', traceparent: advice(7).traceparent, fields: { 11: '000007' } });
    expect(q.size).toBe(0);
    expect(Object.isFrozen(acked.fields)).toBe(true);
    await expect(q.acknowledge(id)).rejects.toMatchObject({ name: 'SafError', code: 'SAF_ENTRY_NOT_FOUND', message: expect.stringContaining(`no entry ${id} is owed`) });
  });

  it('issue #15: a restart replays the log: states, attempts, times, order, and ids go on from where they were', async () => {
    const dir = safDir();
    let now = 5_000_000;
    const q1 = await SafQueue.open({ dir, nowMs: () => now });
    for (let i = 1; i <= 4; i++) await q1.enqueue(advice(i, i % 2 === 0 ? 'zenith' : 'acme'));
    await q1.markSent(1);
    now += 500;
    await q1.markSent(1);
    await q1.markSent(2);
    await q1.acknowledge(2);
    await q1.purge(3, 'test');
    const before = q1.entries();
    await q1.close();
    const q2 = await openQueue(dir, { nowMs: () => now });
    expect(q2.entries()).toEqual(before);
    expect(q2.next('acme')).toMatchObject({ mti: '0421', entry: { id: 1, attempts: 2, lastAttemptAt: now } });
    expect(q2.next('zenith')).toMatchObject({ mti: '0420', entry: { id: 4, attempts: 0 } });
    expect(await q2.enqueue(advice(5))).toBe(5);
  });

  it.each([
    ['DE 35 (track 2)', { 35: '0000' }, 'SAF_FORBIDDEN_FIELD', 'field 35 (track 2 data) is never stored'],
    ['DE 52 (PIN block)', { 52: '00' }, 'SAF_FORBIDDEN_FIELD', 'field 52 (the PIN block) is never stored'],
    ['DE 55 (ICC data)', { 55: '9F26' }, 'SAF_FORBIDDEN_FIELD', 'field 55 (ICC data) is never stored'],
    ['a field that is not text', { 4: 1000 }, 'SAF_BAD_ENTRY', 'field 4 must be text'],
    ['a DE out of range', { 200: 'x' }, 'SAF_BAD_ENTRY', 'field key "200" is not a DE number'],
  ])('issue #15: refuses an advice holding %s, naming the field, never its value', async (_what, extra, code, message) => {
    const q = await openQueue(safDir());
    const bad = advice(1, 'acme', { fields: { ...advice(1).fields, ...(extra as Record<number, string>) } });
    const err = await q.enqueue(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafError);
    expect(err).toMatchObject({ code, message: expect.stringContaining(message) });
    expect((err as Error).message).not.toMatch(/0000|9F26/);
    expect(q.size).toBe(0);
  });

  it.each([
    ['an MTI that is not an advice', { mti: '0400' }, 'mti must be an advice'],
    ['no issuer', { issuer: '' }, 'issuer must be a non-empty string'],
    ['no reason', { reason: '' }, 'reason must be a non-empty string'],
  ])('issue #15: refuses an advice with %s (SAF_BAD_ENTRY)', async (_what, extra, message) => {
    const q = await openQueue(safDir());
    await expect(q.enqueue(advice(1, 'acme', extra))).rejects.toMatchObject({ code: 'SAF_BAD_ENTRY', message: expect.stringContaining(message) });
  });

  it('issue #15: a batch that cannot be written is refused to its callers, its entries are not owed, and the next batch goes on', async () => {
    const dir = safDir();
    const fs = new SteeredFs();
    const log = new CaptureLogger();
    const q = await openQueue(dir, { fs, logger: log });
    await q.enqueue(advice(1));
    fs.failSync = 'EIO';
    const failed = [q.enqueue(advice(2)), q.markSent(1)];
    for (const p of failed) await expect(p).rejects.toMatchObject({ code: 'SAF_WRITE_FAILED', message: expect.stringMatching(/fdatasync failed \(EIO\); 2 saf events not written$/) });
    expect(q.entries().map((e) => e.id)).toEqual([1]);
    expect(log.events('saf.write_failed')).toMatchObject([{ level: 'error', events: 2 }]);
    fs.failSync = null;
    expect(await q.enqueue(advice(3))).toBe(3);
    await q.close();
    const again = await openQueue(dir);
    expect(again.entries().map((e) => e.id)).toEqual([1, 3]);
  });

  it('issue #15: calls after close are refused with SAF_CLOSED', async () => {
    const q = await openQueue(safDir());
    const id = await q.enqueue(advice(1));
    await q.close();
    await expect(q.enqueue(advice(2))).rejects.toMatchObject({ code: 'SAF_CLOSED' });
    await expect(q.markSent(id)).rejects.toMatchObject({ code: 'SAF_CLOSED' });
  });

  it('issue #15: retryAll makes every entry of an issuer due now', async () => {
    let now = 1000;
    const q = await openQueue(safDir(), { nowMs: () => now });
    for (let i = 1; i <= 3; i++) await q.markSent(await q.enqueue(advice(i, i === 3 ? 'zenith' : 'acme')));
    now = 1500;
    expect(await q.retryAll('acme')).toBe(2);
    expect(q.entries().map((e) => e.nextAttemptAt)).toEqual([1500, 1500, 2000]);
  });
});
