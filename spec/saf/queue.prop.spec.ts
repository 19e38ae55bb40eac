// Property: any sequence of enqueue, markSent, acknowledge, purge, retry and reopen leaves the
// queue as a plain in-memory model says: the same entries owed, states, attempts, and per issuer
// the same next advice with the same MTI; small compactAtBytes so compactions happen too.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SafQueue } from '../../src/saf/index.js';
import { UNSYNCED_FS } from '../audit/helpers/audit-fixtures.js';
import { advice, safDir } from './helpers/saf-fixtures.js';

const RUNS = Number(process.env.FC_RUNS ?? 25);
const ISSUERS = ['acme', 'zenith', 'nadir'] as const;

type Op =
  | { op: 'enqueue'; issuer: number }
  | { op: 'markSent' | 'acknowledge' | 'purge' | 'retry'; pick: number }
  | { op: 'reopen' };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('enqueue' as const), issuer: fc.nat(ISSUERS.length - 1) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('markSent' as const, 'acknowledge' as const, 'purge' as const, 'retry' as const), pick: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
);

interface ModelEntry { id: number; issuer: string; state: 'queued' | 'sent'; attempts: number }

describe('SafQueue against a model', () => {
  it('issue #15: random operations across reopens keep the queue equal to the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbOp, { maxLength: 40 }), async (ops) => {
        const dir = safDir();
        const open = (): Promise<SafQueue> => SafQueue.open({ dir, fs: UNSYNCED_FS, compactAtBytes: 1024 });
        let q = await open();
        const model: ModelEntry[] = [];
        let nextId = 1;
        try {
          for (const o of ops) {
            if (o.op === 'enqueue') {
              const issuer = ISSUERS[o.issuer];
              expect(await q.enqueue(advice(nextId, issuer))).toBe(nextId);
              model.push({ id: nextId++, issuer, state: 'queued', attempts: 0 });
            } else if (o.op === 'reopen') {
              await q.close();
              q = await open();
            } else if (model.length === 0) {
              await expect(q[o.op](o.pick + 1000, 'prop')).rejects.toMatchObject({ code: 'SAF_ENTRY_NOT_FOUND' });
            } else {
              const at = o.pick % model.length;
              const m = model[at];
              if (o.op === 'markSent') {
                expect((await q.markSent(m.id)).mti).toBe(m.state === 'sent' ? '0421' : '0420');
                m.state = 'sent';
                m.attempts++;
              } else if (o.op === 'retry') {
                await q.retry(m.id);
              } else {
                await q[o.op](m.id, 'prop');
                model.splice(at, 1);
              }
            }
            expect(q.entries().map((e) => ({ id: e.id, issuer: e.issuer, state: e.state, attempts: e.attempts }))).toEqual(model);
            for (const issuer of ISSUERS) {
              const head = model.find((m) => m.issuer === issuer);
              const d = q.next(issuer);
              expect(d === null ? null : [d.entry.id, d.mti]).toEqual(head === undefined ? null : [head.id, head.state === 'sent' ? '0421' : '0420']);
            }
          }
        } finally {
          await q.close();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
