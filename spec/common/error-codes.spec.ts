// Standing test: the error-code registry and docs/errors.md list the same codes with the same
// meanings, so a code cannot be added, renamed or dropped in one place only (fastify's errors test).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from '../../src/common/index.js';

const DOC = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const CODE = '[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+';
/** `| \`CODE\` | meaning |` rows of the doc's tables. */
const ROWS = [...DOC.matchAll(new RegExp(`^\\|\\s*\`(${CODE})\`\\s*\\|\\s*(.*?)\\s*\\|\\s*$`, 'gm'))].map((m) => ({ code: m[1], meaning: m[2] }));
const REGISTRY = Object.keys(ERROR_CODES);

describe('docs/errors.md', () => {
  it('lists every registered code in a table row when read', () => {
    const documented = new Set(ROWS.map((r) => r.code));
    expect(REGISTRY.filter((code) => !documented.has(code))).toEqual([]);
  });

  it('lists no code in its tables that the registry lacks', () => {
    expect(ROWS.map((r) => r.code).filter((code) => !isErrorCode(code))).toEqual([]);
  });

  it('lists each code in one row only', () => {
    const codes = ROWS.map((r) => r.code);
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([]);
    expect(codes.length).toBe(REGISTRY.length);
  });

  it('gives each code the meaning the registry gives it', () => {
    const mismatched = ROWS.filter((r) => isErrorCode(r.code) && ERROR_CODES[r.code] !== r.meaning);
    expect(mismatched.map((r) => `${r.code}: doc "${r.meaning}" vs registry "${isErrorCode(r.code) ? ERROR_CODES[r.code] : ''}"`)).toEqual([]);
  });

  it('mentions only registered codes when it names one in prose', () => {
    const mentioned = [...DOC.matchAll(new RegExp(`\`(${CODE})\``, 'g'))].map((m) => m[1]);
    expect(mentioned.length).toBeGreaterThan(ROWS.length);
    expect(mentioned.filter((code) => !isErrorCode(code))).toEqual([]);
  });
});

describe('ERROR_CODES', () => {
  it('names every code in SCREAMING_SNAKE with a layer prefix and a one-line meaning', () => {
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z]+_[A-Z0-9_]+$/);
      expect(meaning).toMatch(/^[^\n|]{10,}$/);
    }
  });

  it.each(['toString', 'constructor', 'codec_truncated', 'NOPE', ''])('does not accept %j as a code', (code) => {
    expect(isErrorCode(code)).toBe(false);
  });
});
