// The load generator's message mix and duration text: `auth=90,purchase=5,echo=5` into a
// deterministic interleaved schedule, `10s`/`500ms`/`2m` into milliseconds. Pure; throws ConfigError.

import { ConfigError } from '../../common/index.js';

/** Message kinds the load generator sends: 0100 authorization, 0200 purchase, 0800 echo test. */
export const LOAD_KINDS = ['auth', 'purchase', 'echo'] as const;
export type LoadKind = (typeof LOAD_KINDS)[number];

/** MTI sent for each kind. */
export const KIND_MTI: Readonly<Record<LoadKind, string>> = Object.freeze({ auth: '0100', purchase: '0200', echo: '0800' });

/** Largest sum of weights after dividing by their common divisor: the schedule's length. */
const MAX_SCHEDULE = 10_000;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Parses `kind=weight,...` (weights are non-negative integers, at least one above 0).
 * @throws ConfigError naming `mix` on an unknown kind, a repeated kind or a bad weight.
 */
export function parseMix(text: string): Record<LoadKind, number> {
  const weights: Record<LoadKind, number> = { auth: 0, purchase: 0, echo: 0 };
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(\d{1,6})\s*$/.exec(part);
    if (m === null) throw new ConfigError('mix', `expected kind=weight[,kind=weight...] with kinds ${LOAD_KINDS.join(', ')} (got "${part.trim()}")`);
    const kind = m[1] as LoadKind;
    if (!(LOAD_KINDS as readonly string[]).includes(kind)) throw new ConfigError('mix', `unknown kind "${m[1]}" (expected ${LOAD_KINDS.join(', ')})`);
    if (seen.has(kind)) throw new ConfigError('mix', `kind "${kind}" given twice`);
    seen.add(kind);
    weights[kind] = Number(m[2]);
  }
  if (LOAD_KINDS.every((k) => weights[k] === 0)) throw new ConfigError('mix', 'at least one weight must be above 0');
  return weights;
}

/**
 * The mix as a repeating sequence of kind indices (into LOAD_KINDS), smooth weighted round robin
 * (nginx): each kind appears exactly in proportion to its weight per cycle, spread out, not bunched.
 * @throws ConfigError when the reduced weights sum to more than 10,000.
 */
export function mixSchedule(weights: Readonly<Record<LoadKind, number>>): Uint8Array {
  const w = LOAD_KINDS.map((k) => weights[k]);
  const divisor = w.reduce((a, b) => gcd(a, b), 0);
  const reduced = w.map((x) => x / divisor);
  const total = reduced.reduce((a, b) => a + b, 0);
  if (total > MAX_SCHEDULE) throw new ConfigError('mix', `weights reduce to a cycle of ${total}; keep it at most ${MAX_SCHEDULE}`);
  const current = reduced.map(() => 0);
  const out = new Uint8Array(total);
  for (let i = 0; i < total; i++) {
    let best = 0;
    for (let k = 0; k < current.length; k++) {
      current[k] += reduced[k];
      if (current[k] > current[best]) best = k;
    }
    current[best] -= total;
    out[i] = best;
  }
  return out;
}
