import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/index.js';
import { BinTable, type RouteEntry } from '../../src/switch/index.js';
import { thrown } from '../helpers/bytes.js';
import { ROUTES_PATH, testCards } from '../helpers/test-cards.js';

const RANGE_SHAPE = 'expected "bin": "DIGITS" or "range": ["LOW", "HIGH"] of equal length, 6 to 11 digits';
const FC_RUNS = Number(process.env.FC_RUNS ?? 100);
/** A PAN starting with `prefix`, padded to 16 digits. */
const panOf = (prefix: string): string => prefix.padEnd(16, '7');

describe('BinTable.lookup', () => {
  const table = new BinTable([
    { bin: '411111', issuer: 'six' },
    { bin: '41111122', issuer: 'eight' },
    { range: ['400000', '499999'], issuer: 'visa-range' },
    { range: ['22210000', '27209999'], issuer: 'mc-2-series' },
    { bin: '222300', issuer: 'inside-2-series' },
    { range: ['510000', '559999'], issuer: 'mc' },
    { range: ['601100', '601109'], issuer: 'd1' },
    { range: ['601110', '601119'], issuer: 'd2' },
    { range: ['601130', '601139'], issuer: 'd3' },
  ] satisfies RouteEntry[]);

  it.each([
    ['41111122', 'eight', '411111**'],
    ['41111199', 'six', '411111'],
    ['42424242', 'visa-range', '400000-499999'],
    ['40000000', 'visa-range', '400000-499999'],
    ['49999999', 'visa-range', '400000-499999'],
    ['22230012', 'mc-2-series', '222100**-272099**'],
    ['22210000', 'mc-2-series', '222100**-272099**'],
    ['27209999', 'mc-2-series', '222100**-272099**'],
    ['51051051', 'mc', '510000-559999'],
    ['60110000', 'd1', '601100-601109'],
    ['60111999', 'd2', '601110-601119'],
    ['60113500', 'd3', '601130-601139'],
  ])('routes a PAN starting %s to %s (matched %s): the longest BIN or range wins', (prefix, issuer, bin) => {
    expect(table.lookup(panOf(prefix))).toEqual({ issuer, bin });
  });

  it.each([
    ['just below a range', '39999999'],
    ['just above an 8-digit range', '27210000'],
    ['between two ranges', '60112000'],
    ['in no range at all', '36227206'],
  ])('finds no route for a PAN %s', (_where, prefix) => {
    expect(table.lookup(panOf(prefix))).toBeNull();
  });

  it('prefers an exact BIN over a range of the same length', () => {
    const t = new BinTable([{ range: ['411100', '411199'], issuer: 'range' }, { bin: '411111', issuer: 'exact' }]);
    expect(t.lookup(panOf('411111'))?.issuer).toBe('exact');
    expect(t.lookup(panOf('411112'))?.issuer).toBe('range');
  });

  it('skips BIN lengths longer than the PAN', () => {
    const t = new BinTable([{ bin: '12345678901', issuer: 'eleven' }, { bin: '123456', issuer: 'six' }]);
    expect(t.lookup('1234567890')).toEqual({ issuer: 'six', bin: '123456' });
    expect(t.lookup('12345')).toBeNull();
  });

  it('issue #13: shows no digit of a route past the sixth, so the route and the masked PAN never give the card back', () => {
    const t = new BinTable([{ bin: '41111111111', issuer: 'eleven' }, { range: ['4242424200', '4242424299'], issuer: 'narrow' }]);
    expect(t.lookup('4111111111111111')).toEqual({ issuer: 'eleven', bin: '411111*****' });
    expect(t.lookup('4242424242424242')).toEqual({ issuer: 'narrow', bin: '424242****-424242****' });
  });

  it('lists the issuers it routes to', () => {
    expect([...table.issuers].sort()).toEqual(['d1', 'd2', 'd3', 'eight', 'inside-2-series', 'mc', 'mc-2-series', 'six', 'visa-range']);
  });

  it('matches a brute-force longest-prefix search for random BIN tables', () => {
    const bins = fc.uniqueArray(fc.stringMatching(/^4[0-9]{5,10}$/), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(bins, fc.stringMatching(/^4[0-9]{15}$/), fc.nat(11), (list, pan, pick) => {
        const t = new BinTable(list.map((bin) => ({ bin, issuer: `i${bin}` })));
        const probe = list[pick % list.length] + pan.slice(list[pick % list.length].length);
        for (const p of [pan, probe]) {
          const best = list.filter((b) => p.startsWith(b)).sort((a, b) => b.length - a.length)[0];
          expect(t.lookup(p)?.issuer ?? null).toBe(best === undefined ? null : `i${best}`);
        }
      }),
      { numRuns: FC_RUNS },
    );
  });
});

describe('BinTable with fixtures/routes.json', () => {
  const routes = new BinTable(JSON.parse(readFileSync(ROUTES_PATH, 'utf8')).routes, ROUTES_PATH);
  it.each(testCards().map((c) => [c.pan, c.outcome, c.rc] as const))('routes %s (%s) as the README says', (pan, _outcome, rc) => {
    expect(routes.lookup(pan)).toEqual(rc === '15' ? null : expect.objectContaining({ issuer: 'stub' }));
  });
});

describe('BinTable validation', () => {
  it.each([
    ['not a list', { routes: [] }, 'routes', 'expected a list of routes'],
    ['an entry without issuer', [{ bin: '411111' }], 'routes[0].issuer', 'expected an issuer name such as "stub"'],
    ['an empty issuer', [{ bin: '411111', issuer: '' }], 'routes[0].issuer', 'expected an issuer name such as "stub"'],
    ['a null entry', [null], 'routes[0].issuer', 'expected an issuer name such as "stub"'],
    ['a 5-digit BIN', [{ bin: '41111', issuer: 'stub' }], 'routes[0].bin', 'expected 6 to 11 digits'],
    ['a 12-digit BIN', [{ bin: '411111111111', issuer: 'stub' }], 'routes[0].bin', 'expected 6 to 11 digits'],
    ['a BIN with a letter', [{ bin: '41111A', issuer: 'stub' }], 'routes[0].bin', 'expected 6 to 11 digits'],
    ['the same BIN twice', [{ bin: '411111', issuer: 'a' }, { bin: '411111', issuer: 'b' }], 'routes[1].bin', 'BIN 411111 is routed twice'],
    ['neither bin nor range', [{ issuer: 'stub' }], 'routes[0]', RANGE_SHAPE],
    ['a range of unequal lengths', [{ range: ['400000', '4999999'], issuer: 'stub' }], 'routes[0]', RANGE_SHAPE],
    ['a range of one bound', [{ range: ['400000'], issuer: 'stub' }], 'routes[0]', RANGE_SHAPE],
    ['a range with a short bound', [{ range: ['40000', '49999'], issuer: 'stub' }], 'routes[0]', RANGE_SHAPE],
    ['a range low above high', [{ range: ['499999', '400000'], issuer: 'stub' }], 'routes[0].range', 'low bound is above high bound'],
    ['overlapping ranges', [{ range: ['400000', '449999'], issuer: 'a' }, { range: ['449999', '499999'], issuer: 'b' }], 'routes', 'ranges 400000-449999 and 449999-499999 of 6 digits overlap'],
    ['a range inside another', [{ range: ['22210000', '27209999'], issuer: 'a' }, { range: ['22230000', '22239999'], issuer: 'b' }], 'routes', 'ranges 22210000-27209999 and 22230000-22239999 of 8 digits overlap'],
  ])('throws ConfigError naming the entry for %s', (_what, entries, path, text) => {
    const err = thrown(() => new BinTable(entries));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', path });
    expect(err.message).toBe(`${path}: ${text}`);
  });

  it('names the source file in errors', () => {
    expect(thrown(() => new BinTable([{ bin: '1', issuer: 'stub' }], 'my-routes.json')).message).toBe('my-routes.json[0].bin: expected 6 to 11 digits');
  });

  it('accepts adjacent ranges and nested ranges of different lengths', () => {
    const t = new BinTable([
      { range: ['400000', '449999'], issuer: 'a' },
      { range: ['450000', '499999'], issuer: 'b' },
      { range: ['41111100', '41111199'], issuer: 'c' },
    ]);
    expect([t.lookup(panOf('449999')), t.lookup(panOf('450000')), t.lookup(panOf('41111150'))].map((r) => r?.issuer)).toEqual(['a', 'b', 'c']);
  });
});
