// Keeps the config and transport codes of the registry and docs/errors.md in step (fastify style).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/common/index.js';

const PREFIXES = /^(CONFIG|FRAME|CONN|SERVER|LINK|REQUEST)_/;
const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map([...doc.matchAll(/^\| `([A-Z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]));

describe('transport error codes', () => {
  const registered = Object.entries(ERROR_CODES).filter(([code]) => PREFIXES.test(code));

  it('has transport and config codes registered', () => {
    expect(registered.length).toBeGreaterThan(10);
  });

  it.each(registered)('documents %s in docs/errors.md with the registry\'s meaning', (code, meaning) => {
    expect(documented.get(code)).toBe(meaning);
  });

  it('documents no transport or config code the registry lacks', () => {
    const extra = [...documented.keys()].filter((c) => PREFIXES.test(c) && !Object.hasOwn(ERROR_CODES, c));
    expect(extra).toEqual([]);
  });
});
