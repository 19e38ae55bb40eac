// GroupCommit: one batch in flight, what is pushed meanwhile as the next batch, each caller settled
// with its batch's fate; the idle hook (a file queue's compaction) between batches, never during one.

import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/audit/index.js';

/** A commit whose batches the test lets finish one by one. */
function gatedCommit(): { batches: string[][]; events: string[]; open: () => void; commit: (items: string[]) => Promise<void> } {
  const batches: string[][] = [];
  const events: string[] = [];
  const gates: Array<() => void> = [];
  return {
    batches,
    events,
    open: () => gates.shift()?.(),
    commit: (items) => {
      batches.push(items);
      events.push(`commit ${items.join(',')}`);
      return new Promise((resolve) => gates.push(resolve));
    },
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('sends what is pushed while a batch is in flight as the next batch, and settles each caller with its own', async () => {
    const c = gatedCommit();
    let failNext = false;
    const q = new GroupCommit<string>({ mode: 'strict', commit: (items) => (failNext ? Promise.reject(new Error('disk')) : c.commit(items)) });
    const first = q.push('a');
    await turn();
    const second = [q.push('b'), q.push('c')];
    await turn();
    expect(c.batches).toEqual([['a']]);
    failNext = true;
    c.open();
    await first;
    await expect(Promise.all(second)).rejects.toThrow('disk');
    expect(await q.drain()).toBeNull();
  });

  it('runs the idle hook once the batches are done and nothing is queued; what comes meanwhile goes after it', async () => {
    const c = gatedCommit();
    let q: GroupCommit<string> | null = null;
    let idles = 0;
    q = new GroupCommit<string>({
      mode: 'strict',
      commit: c.commit,
      idle: () => {
        c.events.push('idle');
        if (idles++ === 0) void q!.push('late');
      },
    });
    const pushed = [q.push('a'), q.push('b')];
    await turn();
    expect(c.events).toEqual(['commit a,b']);
    c.open();
    await Promise.all(pushed);
    await turn();
    expect(c.events).toEqual(['commit a,b', 'idle', 'commit late']);
    c.open();
    await q.drain();
    expect(c.events).toEqual(['commit a,b', 'idle', 'commit late', 'idle']);
  });
});
