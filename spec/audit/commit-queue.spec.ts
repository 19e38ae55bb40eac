// CommitQueue: the batching both AuditWriter and the journal thread use. One batch per event-loop
// turn, ready early at `readyAt` in strict mode; strict pushes share their batch's promise, async
// ones resolve at once; the batch's fate can still be awaited in async mode.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CommitQueue, type CommitBatch } from '../../src/audit/index.js';

/** A queue whose onReady takes every batch into `batches`. */
function queue(mode: 'strict' | 'async', readyAt?: number): { q: CommitQueue<number>; batches: Array<CommitBatch<number>> } {
  const batches: Array<CommitBatch<number>> = [];
  const q: CommitQueue<number> = new CommitQueue<number>({ mode, readyAt, onReady: () => void (q.length > 0 && batches.push(q.take())) });
  return { q, batches };
}

describe('CommitQueue', () => {
  it('makes one batch of the pushes of one turn, ready after the turn', async () => {
    const { q, batches } = queue('strict');
    void q.push(1);
    void q.push(2);
    expect(batches).toHaveLength(0);
    await nextTurn();
    expect(batches.map((b) => b.items)).toEqual([[1, 2]]);
    void q.push(3);
    await nextTurn();
    expect(batches.map((b) => b.items)).toEqual([[1, 2], [3]]);
  });

  it('strict: every push of a batch gets its one promise, settled with the batch', async () => {
    const { q, batches } = queue('strict');
    const first = q.push(1);
    const second = q.push(2);
    expect(second).toBe(first);
    await nextTurn();
    let isSettled = false;
    void first.then(() => (isSettled = true));
    await Promise.resolve();
    expect(isSettled).toBe(false);
    batches[0].group?.resolve();
    await first;
    expect(isSettled).toBe(true);
    const failing = q.push(3);
    await nextTurn();
    batches[1].group?.reject(new Error('disk'));
    await expect(failing).rejects.toThrow('disk');
  });

  it('strict: a batch is ready at once when it reaches readyAt, the rest after the turn', async () => {
    const { q, batches } = queue('strict', 3);
    for (let i = 1; i <= 4; i++) void q.push(i);
    expect(batches.map((b) => b.items)).toEqual([[1, 2, 3]]);
    await nextTurn();
    expect(batches.map((b) => b.items)).toEqual([[1, 2, 3], [4]]);
  });

  it('async: resolves every push at once, waits for no batch, ignores readyAt', async () => {
    const { q, batches } = queue('async', 2);
    for (let i = 1; i <= 3; i++) await q.push(i);
    expect(batches).toHaveLength(0);
    await nextTurn();
    expect(batches.map((b) => [b.items, b.group])).toEqual([[[1, 2, 3], null]]);
  });

  it('async: whenCommitted gives the fate of the batch being filled all the same', async () => {
    const { q, batches } = queue('async');
    await expect(q.whenCommitted()).resolves.toBeUndefined();
    await q.push(1);
    const fate = q.whenCommitted();
    await nextTurn();
    batches[0].group?.reject(new Error('disk'));
    await expect(fate).rejects.toThrow('disk');
  });

  it('fail() rejects the waiting pushes and empties the queue', async () => {
    const { q, batches } = queue('strict');
    const pending = q.push(1);
    q.fail(new Error('stopped'));
    await expect(pending).rejects.toThrow('stopped');
    expect(q.length).toBe(0);
    await nextTurn();
    expect(batches).toHaveLength(0);
  });
});
