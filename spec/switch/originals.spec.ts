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
    expect(byData).toMatchObject({ issuer: 'stub', holdId: 'H1', mti: '0100', acquirer: '00000123456', terminal: 'TERM0001' });
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
