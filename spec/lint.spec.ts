// scripts/lint.mjs on small temporary trees: layer directions, index-only imports, and the house
// rules a type check cannot see (no enum, no focused or skipped tests).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const LINT = fileURLToPath(new URL('../scripts/lint.mjs', import.meta.url));
// Built from parts so this file does not trip the rule it tests.
const FOCUSED = ['it', 'only'].join('.');
const SKIPPED = ['describe', 'skip'].join('.');
const BENCH_FROM_CODEC = ['..', '..', 'bench', 'y.js'].join('/');
// A sibling folder of the checkout, as the tests once read it.
const SIBLING = ['..', 'common', 'vectors', 'index.json'].join('/');
const UP = ['..', ''].join('/');

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Writes `files` (path -> text) under `at` or a new temporary root and runs the lint on it. */
function lint(files: Record<string, string>, at?: string): { status: number | null; out: string } {
  const root = at ?? mkdtempSync(join(tmpdir(), 'isotrace-lint-'));
  if (at === undefined) roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const run = spawnSync(process.execPath, [LINT, root], { encoding: 'utf8' });
  return { status: run.status, out: run.stdout + run.stderr };
}

const CLEAN = {
  'src/common/index.ts': "export const SHARED = 1;\n",
  'src/codec/index.ts': "import { SHARED } from '../common/index.js';\nexport const CODEC = SHARED;\n",
  'src/codec/unpack.ts': "export { CODEC } from './index.js';\n",
  'src/transport/index.ts': "import { SHARED } from '../common/index.js';\nexport const T = SHARED;\n",
  'src/link/index.ts': "import { CODEC } from '../codec/index.js';\nimport { T } from '../transport/index.js';\nexport const L = CODEC + T;\n",
  'src/cli/main.ts': "import { L } from '../link/index.js';\nconsole.log(L);\n",
  'spec/codec/unpack.spec.ts': "import { it } from 'vitest';\nit('works when run', () => {});\n",
};

describe('scripts/lint.mjs', () => {
  it('passes when every import follows the layers and no rule is broken', () => {
    expect(lint(CLEAN)).toEqual({ status: 0, out: 'lint: ok\n' });
  });

  it.each<[string, Record<string, string>, string]>([
    ['codec imports switch', { 'src/codec/route.ts': "import { x } from '../switch/index.js';\n" }, 'src/codec/route.ts:1: layers: codec may not import switch (allowed: common)'],
    // Line 3: under the two-line header every src file starts with (style section 6).
    ['common imports codec below a header comment', { 'src/common/x.ts': "// Header.\n// More.\nimport type { Codec } from '../codec/index.js';\n" }, 'src/common/x.ts:3: layers: common may not import codec (allowed: nothing)'],
    ['link imports a codec file, not its index', { 'src/link/conn.ts': "import { unpackMessage } from '../codec/unpack.js';\n" }, 'src/link/conn.ts:1: layers: import codec only through src/codec/index.ts, not ../codec/unpack.js'],
    // Transport knows frames, not fields: messages and their DEs are the link's.
    ['issue #14: transport imports codec', { 'src/transport/conn.ts': "import type { IsoMessage } from '../codec/index.js';\n" }, 'src/transport/conn.ts:1: layers: transport may not import codec (allowed: common)'],
    ['issue #14: switch imports link', { 'src/switch/x.ts': "import { IsoClient } from '../link/index.js';\n" }, 'src/switch/x.ts:1: layers: switch may not import link (allowed: common, collections, codec, trace, audit)'],
    ['switch re-exports a codec file', { 'src/switch/index.ts': "export { Codec } from '../codec/codec.js';\n" }, 'src/switch/index.ts:1: layers: import codec only through src/codec/index.ts, not ../codec/codec.js'],
    ['codec loads switch dynamically', { 'src/codec/lazy.ts': "const m = await import('../switch/index.js');\n" }, 'src/codec/lazy.ts:1: layers: codec may not import switch (allowed: common)'],
    ['the generic collections import the switch', { 'src/collections/x.ts': "import { x } from '../switch/index.js';\n" }, 'src/collections/x.ts:1: layers: collections may not import switch (allowed: nothing)'],
    ['transport imports the generic collections', { 'src/transport/x.ts': "import { SlotFifo } from '../collections/index.js';\n" }, 'src/transport/x.ts:1: layers: transport may not import collections (allowed: common)'],
    ['a folder is not a known layer', { 'src/utils/x.ts': 'export const X = 1;\n' }, 'src/utils/x.ts:1: layers: src/utils is not a known layer'],
    ['src imports from outside src', { 'src/codec/x.ts': `import { y } from '${BENCH_FROM_CODEC}';\n` }, `src/codec/x.ts:1: layers: imports ${BENCH_FROM_CODEC}, outside src/`],
    ['an enum is declared', { 'src/codec/kinds.ts': "export const enum Kind { A, B }\n" }, 'src/codec/kinds.ts:1: no-enum: use an `as const` object and a union type'],
    ['a test is focused', { 'spec/codec/x.spec.ts': `import { it } from 'vitest';\n${FOCUSED}('runs alone', () => {});\n` }, 'spec/codec/x.spec.ts:2: no-skipped-tests: focused, skipped or todo test left behind'],
    ['a suite is skipped', { 'spec/y.spec.ts': `${SKIPPED}('later', () => {});\n` }, 'spec/y.spec.ts:1: no-skipped-tests: focused, skipped or todo test left behind'],
    ['src logs to the console outside cli', { 'src/codec/debug.ts': "console.log('x');\n" }, 'src/codec/debug.ts:1: no-console: only src/cli writes to the console; inject a Logger'],
    ['issue #13: a spec reads a file beside the checkout', { 'spec/codec/v.spec.ts': `const V = new URL('${UP}${UP}${SIBLING}', import.meta.url);\n` }, `spec/codec/v.spec.ts:1: self-contained: ${UP}${UP}${SIBLING} is outside the repository`],
    ['issue #13: the README links beside the checkout', { 'README.md': `# x\nSee [style](${SIBLING}).\n` }, `README.md:2: self-contained: ${SIBLING} is outside the repository`],
    ['issue #13: a doc names a path beside the checkout in prose', { 'docs/a.md': `Design: \`../${SIBLING}\`.\n` }, `docs/a.md:1: self-contained: ../${SIBLING} is outside the repository`],
    ['issue #13: a script reads a file beside the checkout', { 'scripts/x.mjs': `readFileSync(new URL('../${SIBLING}', import.meta.url));\n` }, `scripts/x.mjs:1: self-contained: ../${SIBLING} is outside the repository`],
    ['issue #13: a bench reads a file beside the checkout', { 'bench/x.bench.ts': `new URL('${UP.repeat(3)}${SIBLING}', import.meta.url);\n` }, `bench/x.bench.ts:1: self-contained: ${UP.repeat(3)}${SIBLING} is outside the repository`],
    ['src holds a card-number-shaped literal', { 'src/codec/pan.ts': "export const PAN = '4111111111111111';\n" }, 'src/codec/pan.ts:1: no-card-numbers: card-number-shaped literal; test cards belong in fixtures/'],
  ])('fails with the finding when %s', (_what, extra, finding) => {
    const { status, out } = lint({ ...CLEAN, ...extra });
    expect(status).toBe(1);
    expect(out).toContain(finding);
    expect(out).toContain('lint: 1 finding(s)');
  });

  it('issue #13: accepts relative paths that stay inside the repository, from the source or from dist/', () => {
    expect(lint({
      ...CLEAN,
      'spec/codec/v.spec.ts': `const V = new URL('${UP}${UP}fixtures/vectors/', import.meta.url);\n`,
      'bench/x.bench.ts': `const BIN = new URL('${UP}${UP}bin/isotrace.js', import.meta.url);\n`,
      'docs/a.md': 'See [errors](errors.md), [README](../README.md) and `../src/codec/`.\n',
    })).toEqual({ status: 0, out: 'lint: ok\n' });
  });

  it('issue #13: reports an absolute path into a folder that encloses the repository', () => {
    const outer = mkdtempSync(join(tmpdir(), 'isotrace-lint-outer-'));
    roots.push(outer);
    const { status, out } = lint({ ...CLEAN, 'spec/x.spec.ts': `readFileSync('${outer}/shared/docs/a.json');\n` }, join(outer, 'repo'));
    expect(status).toBe(1);
    expect(out).toContain(`spec/x.spec.ts:1: self-contained: ${outer}/ is outside the repository`);
  });

  it('lets the switch use the generic collections through their index', () => {
    expect(lint({
      ...CLEAN,
      'src/collections/index.ts': "export class SlotFifo {}\n",
      'src/switch/duplicates.ts': "import { SlotFifo } from '../collections/index.js';\nexport const F = new SlotFifo();\n",
    })).toEqual({ status: 0, out: 'lint: ok\n' });
  });

  it('reports a file over 500 lines', () => {
    const { status, out } = lint({ ...CLEAN, 'src/codec/big.ts': 'export const A = 1;\n'.repeat(501) });
    expect(status).toBe(1);
    expect(out).toContain('src/codec/big.ts:502: size: 502 lines; over 500 needs splitting');
  });

  it('counts every finding when several rules are broken', () => {
    const { status, out } = lint({ ...CLEAN, 'src/codec/bad.ts': "import { x } from '../switch/index.js';\nenum E { A }\n" });
    expect(status).toBe(1);
    expect(out).toContain('lint: 2 finding(s)');
  });
});
