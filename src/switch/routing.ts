// BIN routing: longest prefix over exact BINs (6 to 11 digits) and BIN ranges, from a route table
// given as data and validated when loaded. Lookups never allocate beyond one prefix slice per length.

import { ConfigError } from '../common/index.js';

/** One route as written in routes.json: an exact BIN or an inclusive range of equal-length BINs. */
export type RouteEntry = { bin: string; issuer: string } | { range: [string, string]; issuer: string };

export interface Route {
  issuer: string;
  /**
   * The BIN (or the range low-high) that matched, for audit: digits past the sixth as `*`, since a
   * route of up to 11 digits beside the masked PAN's last 4 would give the card number back.
   */
  bin: string;
}

/** `bin` as audit shows it: the first 6 digits, the rest as `*` (the PAN's own masking rule). */
export function auditBin(bin: string): string {
  return bin.length <= 6 ? bin : bin.slice(0, 6) + '*'.repeat(bin.length - 6);
}

interface Range {
  low: string;
  high: string;
  route: Route;
}

const BIN_RE = /^\d{6,11}$/;

export class BinTable {
  /** Prefix lengths in use, longest first. */
  readonly #lengths: number[];
  readonly #exact = new Map<string, Route>();
  /** Per length, ranges sorted by low bound (ranges of one length never overlap). */
  readonly #ranges = new Map<number, Range[]>();
  /** Issuer names the table routes to. */
  readonly issuers: ReadonlySet<string>;

  /** Builds and validates a table; throws ConfigError naming `source` and the bad entry. */
  constructor(entries: unknown, source = 'routes') {
    if (!Array.isArray(entries)) throw new ConfigError(source, 'expected a list of routes');
    const lengths = new Set<number>();
    const issuers = new Set<string>();
    entries.forEach((raw: unknown, i) => {
      const where = `${source}[${i}]`;
      const e = (raw ?? {}) as Partial<{ bin: unknown; range: unknown; issuer: unknown }>;
      if (typeof e.issuer !== 'string' || e.issuer === '') throw new ConfigError(`${where}.issuer`, 'expected an issuer name such as "stub"');
      issuers.add(e.issuer);
      if (typeof e.bin === 'string') {
        if (!BIN_RE.test(e.bin)) throw new ConfigError(`${where}.bin`, 'expected 6 to 11 digits');
        if (this.#exact.has(e.bin)) throw new ConfigError(`${where}.bin`, `BIN ${e.bin} is routed twice`);
        this.#exact.set(e.bin, { issuer: e.issuer, bin: auditBin(e.bin) });
        lengths.add(e.bin.length);
        return;
      }
      const r = e.range;
      if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'string' || typeof r[1] !== 'string' || !BIN_RE.test(r[0]) || r[0].length !== r[1].length || !BIN_RE.test(r[1])) {
        throw new ConfigError(where, 'expected "bin": "DIGITS" or "range": ["LOW", "HIGH"] of equal length, 6 to 11 digits');
      }
      if (r[0] > r[1]) throw new ConfigError(`${where}.range`, 'low bound is above high bound');
      const list = this.#ranges.get(r[0].length) ?? [];
      list.push({ low: r[0], high: r[1], route: { issuer: e.issuer, bin: `${auditBin(r[0])}-${auditBin(r[1])}` } });
      this.#ranges.set(r[0].length, list);
      lengths.add(r[0].length);
    });
    for (const [len, list] of this.#ranges) {
      list.sort((a, b) => (a.low < b.low ? -1 : 1));
      for (let i = 1; i < list.length; i++) {
        if (list[i].low <= list[i - 1].high) throw new ConfigError(source, `ranges ${list[i - 1].low}-${list[i - 1].high} and ${list[i].low}-${list[i].high} of ${len} digits overlap`);
      }
    }
    this.#lengths = [...lengths].sort((a, b) => b - a);
    this.issuers = issuers;
  }

  /** The most specific route for `pan`: the longest matching BIN or range; null when none. */
  lookup(pan: string): Route | null {
    for (const len of this.#lengths) {
      if (pan.length < len) continue;
      const prefix = pan.slice(0, len);
      const exact = this.#exact.get(prefix);
      if (exact !== undefined) return exact;
      const list = this.#ranges.get(len);
      if (list === undefined) continue;
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid].low <= prefix) lo = mid + 1;
        else hi = mid - 1;
      }
      if (hi >= 0 && prefix <= list[hi].high) return list[hi].route;
    }
    return null;
  }
}
