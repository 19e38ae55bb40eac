#!/usr/bin/env node
// Project lint: the layer directions of docs/architecture.md, plus house rules that a type check
// cannot see (among them: nothing reaches outside the repository). Prints one line per finding as
// file:line: rule: text; exits 1 on any.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, dirname, resolve, sep } from 'node:path';

// The tree to check: the project, or a folder named on the command line (the lint's own tests use one).
const ROOT = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));

/** Which layers each layer may import (always through their index.ts). */
export const LAYERS = {
  common: [],
  collections: [],
  codec: ['common'],
  transport: ['common'],
  link: ['common', 'codec', 'transport'],
  trace: ['common'],
  audit: ['common'],
  saf: ['common', 'audit'],
  switch: ['common', 'collections', 'codec', 'trace', 'audit'],
  journal: ['common', 'trace', 'audit', 'switch', 'store'],
  issuer: ['common', 'codec', 'transport', 'link', 'saf'],
  sim: ['common', 'codec', 'transport', 'link'],
  metrics: ['common', 'transport', 'link', 'audit', 'saf', 'switch', 'journal', 'issuer', 'store'],
  store: ['common', 'collections', 'codec', 'trace', 'audit', 'saf', 'switch', 'issuer'],
  cli: ['common', 'collections', 'codec', 'transport', 'link', 'trace', 'audit', 'saf', 'switch', 'journal', 'issuer', 'sim', 'metrics', 'store'],
};

const MAX_LINES = 500;
const PAN_LIKE = /(^|[^0-9])(4[0-9]{15}|5[1-5][0-9]{14})([^0-9]|$)/;

function walk(dir, re = /\.(ts|mts|js|mjs)$/) {
  const out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules') out.push(...walk(p, re));
    } else if (re.test(name)) out.push(p);
  }
  return out;
}

const findings = [];
const report = (file, line, rule, text) => findings.push(`${relative(ROOT, file)}:${line}: ${rule}: ${text}`);
const IMPORT_RE = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function layerOf(file) {
  const rel = relative(join(ROOT, 'src'), file);
  if (rel.startsWith('..')) return null;
  return rel.split(sep)[0];
}

function checkImports(file, text) {
  const from = layerOf(file);
  if (from === null) return;
  if (!(from in LAYERS)) {
    report(file, 1, 'layers', `src/${from} is not a known layer (${Object.keys(LAYERS).join(', ')})`);
    return;
  }
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('.')) continue;
    const line = text.slice(0, m.index + m[0].search(/\S/)).split('\n').length;
    const target = resolve(dirname(file), spec);
    const to = layerOf(target);
    if (to === null) {
      report(file, line, 'layers', `imports ${spec}, outside src/`);
      continue;
    }
    if (to === from) continue;
    if (!LAYERS[from].includes(to)) {
      report(file, line, 'layers', `${from} may not import ${to} (allowed: ${LAYERS[from].join(', ') || 'nothing'})`);
    } else if (relative(join(ROOT, 'src', to), target) !== 'index.js') {
      report(file, line, 'layers', `import ${to} only through src/${to}/index.ts, not ${spec}`);
    }
  }
}

function checkSource(file, text) {
  const lines = text.split('\n');
  if (lines.length > MAX_LINES) report(file, lines.length, 'size', `${lines.length} lines; over ${MAX_LINES} needs splitting`);
  lines.forEach((l, i) => {
    if (/^\s*(export\s+)?(const\s+)?enum\s/.test(l)) report(file, i + 1, 'no-enum', 'use an `as const` object and a union type');
    if (PAN_LIKE.test(l)) report(file, i + 1, 'no-card-numbers', 'card-number-shaped literal; test cards belong in fixtures/');
    if (/console\.(log|info|debug)\(/.test(l) && !relative(ROOT, file).startsWith(join('src', 'cli'))) {
      report(file, i + 1, 'no-console', 'only src/cli writes to the console; inject a Logger');
    }
  });
}

function checkSpec(file, text) {
  text.split('\n').forEach((l, i) => {
    if (/\b(it|describe|test)\.(only|skip|todo)\b/.test(l) || /\bx(it|describe)\(/.test(l)) {
      report(file, i + 1, 'no-skipped-tests', 'focused, skipped or todo test left behind');
    }
  });
}

// A fresh clone holds only the repository: code, tests and docs may not reach beside or above it.
// Relative paths (`../x` in an import, a URL, a Markdown link or prose) must resolve inside the
// root, and absolute paths may not start with a folder that encloses it (other than / and the temp dir).
const RELATIVE_PATH_RE = /(?<=^|[\s'"`(<\[=:,])(?:\.\.\/)+[^\s'"`)>\],;]*/g;
const ENCLOSING = [];
for (let d = dirname(ROOT); d !== dirname(d); d = dirname(d)) if (resolve(d) !== resolve(tmpdir())) ENCLOSING.push(`${d}/`);

function checkSelfContained(file, text) {
  // src/ and bench/ also run built, from dist/<same path>: a URL relative to there counts too.
  const rel = relative(ROOT, dirname(file));
  const bases = [dirname(file), ...(/^(src|bench)\b/.test(rel) ? [join(ROOT, 'dist', rel)] : [])];
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(RELATIVE_PATH_RE)) {
      if (!bases.some((b) => !relative(ROOT, resolve(b, m[0])).startsWith('..'))) {
        report(file, i + 1, 'self-contained', `${m[0]} is outside the repository`);
      }
    }
    for (const d of ENCLOSING) {
      if (l.includes(d)) report(file, i + 1, 'self-contained', `${d} is outside the repository`);
    }
  });
}

const CODE = /\.(ts|mts|js|mjs)$/;
const TEXT = /\.(ts|mts|js|mjs|md|json)$/;
for (const dir of ['src', 'spec', 'bench', 'scripts']) for (const file of walk(join(ROOT, dir), CODE)) checkSelfContained(file, readFileSync(file, 'utf8'));
for (const file of [...walk(join(ROOT, 'docs'), TEXT), join(ROOT, 'README.md')]) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue;
  }
  checkSelfContained(file, text);
}

for (const file of walk(join(ROOT, 'src'))) {
  const text = readFileSync(file, 'utf8');
  checkImports(file, text);
  checkSource(file, text);
}
for (const file of walk(join(ROOT, 'spec'))) checkSpec(file, readFileSync(file, 'utf8'));

if (findings.length > 0) {
  console.error(findings.join('\n'));
  console.error(`lint: ${findings.length} finding(s)`);
  process.exit(1);
}
console.log('lint: ok');
