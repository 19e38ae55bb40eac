import { describe, expect, it } from 'vitest';
import { DEFAULT_ORIGINALS, OriginalsTable } from '../../src/switch/index.js';
import type { OriginalIds } from '../../src/switch/originals.js';

function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 5_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const ORIGINAL: OriginalIds = { mti: '0100', stan: '123456', transmission: '0612143015', acquirer: '123456', terminal: 'TERM0001' };
/** Primer §7's DE 90 for ORIGINAL: MTI, STAN, DE 7, acquirer (11, zero-filled), forwarder zeros. */
const DE90 = '010012345606121430150000012345600000000000';
const byTerminal = (o: OriginalIds): { stan: string; terminal: string; transmission: string } => ({ stan: o.stan, terminal: o.terminal, transmission: o.transmission });

describe('OriginalsTable', () => {
  it('keeps an approval for 24 hours and at most a million by default', () => {
    expect(DEFAULT_ORIGINALS).toEqual({ keepMs: 86_400_000, maxEntries: 1_000_000 });
  });

  it('finds an approval by DE 90 and by DE 11 + DE 41 + DE 7, as the same record (what a reversal marks, both see)', () => {
    const table = new OriginalsTable();
    table.remember(ORIGINAL, 'stub', 'H1');
    const byData = table.find({ de90: DE90 });
    expect(byData).toMatchObject({ issuer: 'stub', holdId: 'H1', mti: '0100', acquirer: '123456', terminal: 'TERM0001' });
    expect(table.find(byTerminal(ORIGINAL))).toBe(byData);
  });

  it.each([
    ['another MTI', `0200${DE90.slice(4)}`],
    ['another STAN', `0100123457${DE90.slice(10)}`],
    ['another DE 7', `01001234560612143016${DE90.slice(20)}`],
    ['another acquirer', `01001234560612143015${'00000654321'}${DE90.slice(31)}`],
  ])('finds nothing when DE 90 names %s', (_what, de90) => {
    const table = new OriginalsTable();
    table.remember(ORIGINAL, 'stub', 'H1');
    expect(table.find({ de90 })).toBeUndefined();
  });

  it('gives back ids exactly as remembered, whatever characters they hold', () => {
    const table = new OriginalsTable();
    const odd = { ...ORIGINAL, terminal: 'T|RM|001', acquirer: '12|456' };
    table.remember(odd, 'stub', 'H|1');
    expect(table.find(byTerminal(odd))).toMatchObject({ holdId: 'H|1', mti: '0100', acquirer: '12|456', terminal: 'T|RM|001' });
  });

  it('ignores the forwarding institution digits of DE 90', () => {
    const table = new OriginalsTable();
    table.remember(ORIGINAL, 'stub', 'H1');
    expect(table.find({ de90: `${DE90.slice(0, 31)}00000000042` })?.holdId).toBe('H1');
  });

  it.each([
    ['another terminal', { ...byTerminal(ORIGINAL), terminal: 'TERM0002' }],
    ['another STAN', { ...byTerminal(ORIGINAL), stan: '123457' }],
    ['another DE 7', { ...byTerminal(ORIGINAL), transmission: '0612143016' }],
  ])('finds nothing by terminal key with %s', (_what, ref) => {
    const table = new OriginalsTable();
    table.remember(ORIGINAL, 'stub', 'H1');
    expect(table.find(ref)).toBeUndefined();
  });

  it('tells apart approvals with the same STAN and DE 7 from other terminals and acquirers', () => {
    const table = new OriginalsTable();
    const other = { ...ORIGINAL, terminal: 'TERM0002', acquirer: '654321' };
    table.remember(ORIGINAL, 'stub', 'H1');
    table.remember(other, 'stub', 'H2');
    expect(table.find(byTerminal(ORIGINAL))?.holdId).toBe('H1');
    expect(table.find(byTerminal(other))?.holdId).toBe('H2');
    expect(table.find({ de90: DE90 })?.holdId).toBe('H1');
    expect(table.find({ de90: `${DE90.slice(0, 20)}00000654321` })?.holdId).toBe('H2');
  });

  it('stops finding an approval once keepMs has passed on the injected clock', () => {
    const clock = manualClock();
    const table = new OriginalsTable({ keepMs: 1000 }, clock.now);
    table.remember(ORIGINAL, 'stub', 'H1');
    clock.advance(999);
    expect(table.find({ de90: DE90 })).toBeDefined();
    clock.advance(1);
    expect(table.find({ de90: DE90 })).toBeUndefined();
    expect(table.find(byTerminal(ORIGINAL))).toBeUndefined();
  });

  it('drops the oldest approvals beyond maxEntries', () => {
    const table = new OriginalsTable({ maxEntries: 2 });
    const ids = ['000001', '000002', '000003'].map((stan) => ({ ...ORIGINAL, stan }));
    ids.forEach((o, i) => table.remember(o, 'stub', `H${i + 1}`));
    expect(ids.map((o) => table.find(byTerminal(o))?.holdId)).toEqual([undefined, 'H2', 'H3']);
  });

  it('forgets exactly the oldest approval when one more than maxEntries is remembered', () => {
    const table = new OriginalsTable({ maxEntries: 4 });
    const ids = [1, 2, 3, 4, 5].map((n) => ({ ...ORIGINAL, stan: String(n).padStart(6, '0') }));
    ids.slice(0, 4).forEach((o, i) => table.remember(o, 'stub', `H${i + 1}`));
    expect(ids.map((o) => table.find(byTerminal(o))?.holdId)).toEqual(['H1', 'H2', 'H3', 'H4', undefined]);
    table.remember(ids[4], 'stub', 'H5');
    expect(ids.map((o) => table.find(byTerminal(o))?.holdId)).toEqual([undefined, 'H2', 'H3', 'H4', 'H5']);
  });

  it('forgets the older of two approvals with the same STAN and DE 7 beyond maxEntries, and still finds the newer', () => {
    const table = new OriginalsTable({ maxEntries: 2 });
    const other = { ...ORIGINAL, terminal: 'TERM0002', acquirer: '654321' };
    const third = { ...ORIGINAL, stan: '000003' };
    table.remember(ORIGINAL, 'stub', 'H1');
    table.remember(other, 'stub', 'H2'); // same key as ORIGINAL, put in front of it
    table.remember(third, 'stub', 'H3');
    expect(table.find(byTerminal(ORIGINAL))).toBeUndefined();
    expect(table.find({ de90: DE90 })).toBeUndefined();
    expect(table.find(byTerminal(other))?.holdId).toBe('H2');
    expect(table.find({ de90: `${DE90.slice(0, 20)}00000654321` })?.holdId).toBe('H2');
    expect(table.find(byTerminal(third))?.holdId).toBe('H3');
  });

  it('forgets the newer of two same-key approvals only when its own turn comes beyond maxEntries', () => {
    const table = new OriginalsTable({ maxEntries: 2 });
    const other = { ...ORIGINAL, terminal: 'TERM0002' };
    const later = [3, 4].map((n) => ({ ...ORIGINAL, stan: String(n).padStart(6, '0') }));
    table.remember(ORIGINAL, 'stub', 'H1');
    table.remember(other, 'stub', 'H2');
    table.remember(later[0], 'stub', 'H3');
    expect(table.find(byTerminal(other))?.holdId).toBe('H2');
    table.remember(later[1], 'stub', 'H4');
    expect([ORIGINAL, other, ...later].map((o) => table.find(byTerminal(o))?.holdId)).toEqual([undefined, undefined, 'H3', 'H4']);
    table.remember(ORIGINAL, 'stub', 'H5'); // the key emptied earlier is used again
    expect(table.find(byTerminal(ORIGINAL))?.holdId).toBe('H5');
    expect(table.find(byTerminal(later[0]))).toBeUndefined();
  });

  it('forgets the older of two same-key approvals by keepMs and keeps the newer until its own time', () => {
    const clock = manualClock();
    const table = new OriginalsTable({ keepMs: 1000 }, clock.now);
    const other = { ...ORIGINAL, terminal: 'TERM0002' };
    table.remember(ORIGINAL, 'stub', 'H1');
    clock.advance(500);
    table.remember(other, 'stub', 'H2');
    clock.advance(600); // 1100: the first is past keepMs, the second is not
    table.remember({ ...ORIGINAL, stan: '000009' }, 'stub', 'H3'); // drops what has expired
    expect(table.find(byTerminal(ORIGINAL))).toBeUndefined();
    const newer = table.find(byTerminal(other));
    expect(newer?.holdId).toBe('H2');
    expect(newer?.next).toBeNull(); // the older one is gone from the list, not only skipped
    clock.advance(399); // 1499
    expect(table.find(byTerminal(other))?.holdId).toBe('H2');
    clock.advance(1); // 1500
    expect(table.find(byTerminal(other))).toBeUndefined();
  });
});

describe('OriginalsTable, long lists and its ring', () => {
  /** The hold ids of the list of one STAN and DE 7, newest first, following `next`. */
  function chainOf(table: OriginalsTable, ids: OriginalIds): string[] {
    const out: string[] = [];
    for (let o = table.find({ de90: `${ids.mti}${ids.stan}${ids.transmission}${ids.acquirer.padStart(11, '0')}` }) ?? null; o !== null; o = o.next) out.push(o.holdId);
    return out;
  }

  it('drops exactly the oldest of one long list when 50 terminals reuse one STAN and DE 7', () => {
    const table = new OriginalsTable({ maxEntries: 1000 });
    const terminalOf = (n: number): string => `LT${String(n % 50).padStart(6, '0')}`;
    for (let n = 1; n <= 2600; n++) table.remember({ ...ORIGINAL, terminal: terminalOf(n) }, 'stub', `H${n}`);
    const holds = chainOf(table, ORIGINAL);
    expect(holds).toHaveLength(1000);
    expect([holds[0], holds[999]]).toEqual(['H2600', 'H1601']);
    expect(holds).toEqual(Array.from({ length: 1000 }, (_, i) => `H${2600 - i}`));
    expect(table.find(byTerminal({ ...ORIGINAL, terminal: terminalOf(1601) }))?.holdId).toBe('H2551');
  });

  it('forgets the oldest in constant time: 200,000 approvals in one list of 100,000 take well under a second', () => {
    // Walking the list to its end on each drop would take some 10^10 steps here.
    const table = new OriginalsTable({ maxEntries: 100_000 });
    const started = performance.now();
    for (let n = 1; n <= 200_000; n++) table.remember(ORIGINAL, 'stub', `H${n}`);
    expect(performance.now() - started).toBeLessThan(3000);
    const newest = table.find({ de90: DE90 })!;
    expect(newest.holdId).toBe('H200000');
    let last = newest;
    let length = 1;
    while (last.next !== null) [last, length] = [last.next, length + 1];
    expect([length, last.holdId]).toEqual([100_000, 'H100001']);
  });

  it('matches a model of the table through wrap-around, growth past 1024 slots, drops by count and by age', () => {
    const clock = manualClock();
    const [keepMs, maxEntries] = [2000, 1500];
    const table = new OriginalsTable({ keepMs, maxEntries }, clock.now);
    const model: Array<{ ids: OriginalIds; holdId: string; expiresAtMs: number }> = [];
    let seed = 11;
    const random = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const arbIds = (): OriginalIds => ({
      mti: ['0100', '0200'][random(2)], stan: `00000${random(6)}`, transmission: `061214301${random(2)}`,
      acquirer: ['123456', '654321', '42'][random(3)], terminal: `TERM000${random(7)}`,
    });
    const expectSameAnswers = (ids: OriginalIds): void => {
      const live = model.filter((m) => m.expiresAtMs > clock.now() && m.ids.stan === ids.stan && m.ids.transmission === ids.transmission).reverse();
      const byTerm = live.find((m) => m.ids.terminal === ids.terminal)?.holdId;
      const byData = live.find((m) => m.ids.mti === ids.mti && m.ids.acquirer === ids.acquirer)?.holdId;
      const de90 = `${ids.mti}${ids.stan}${ids.transmission}${ids.acquirer.padStart(11, '0')}${'0'.repeat(11)}`;
      expect([table.find(byTerminal(ids))?.holdId, table.find({ de90 })?.holdId]).toEqual([byTerm, byData]);
    };
    // Phases: steady (the ring wraps with expiry), a burst past 1024 and up to maxEntries (growth
    // with the oldest mid-ring, then drops by count), then quiet (everything ages out).
    const phases = [{ steps: 4000, tickMs: 5 }, { steps: 3000, tickMs: 0 }, { steps: 2000, tickMs: 3 }];
    let n = 0;
    for (const { steps, tickMs } of phases) {
      for (let step = 0; step < steps; step++) {
        clock.advance(random(tickMs + 1));
        const ids = arbIds();
        table.remember(ids, 'stub', `H${++n}`);
        model.push({ ids, holdId: `H${n}`, expiresAtMs: clock.now() + keepMs });
        while (model.length > 0 && model[0].expiresAtMs <= clock.now()) model.shift();
        if (model.length > maxEntries) model.shift();
        expectSameAnswers(arbIds());
      }
    }
    clock.advance(keepMs - 1);
    for (let i = 0; i < 200; i++) expectSameAnswers(arbIds());
    clock.advance(1);
    for (let i = 0; i < 200; i++) expectSameAnswers(arbIds());
  });

  it('keeps nothing when maxEntries is 0', () => {
    const table = new OriginalsTable({ maxEntries: 0 });
    table.remember(ORIGINAL, 'stub', 'H1');
    expect(table.find({ de90: DE90 })).toBeUndefined();
  });
});
