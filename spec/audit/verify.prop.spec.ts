// Property: on a random log (random records, random rotation), one random edit, deletion,
// insertion or swap of lines makes verifyAudit fail, naming exactly the first line that differs
// from the original (so at or before the mutation), with and without a key.
// Not covered, by design: deleting the very last record (a hash chain cannot see a cut-off tail).

import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/index.js';
import { auditFiles, readLines, writeLines, writtenLog } from './helpers/audit-fixtures.js';

const NUM_RUNS = Number(process.env.FC_RUNS ?? 100);

// Binary string units: lone surrogates and multi-byte characters, which JSON.stringify escapes or
// writes as utf8, must survive the verifier's JSON.parse then JSON.stringify unchanged.
const key = fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }).filter((k) => k !== 'prev' && k !== 'hash' && k !== 'chain');
const record = fc.dictionary(key, fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }), { maxKeys: 6 }) as fc.Arbitrary<Record<string, unknown>>;

type Mutation =
  | { kind: 'edit'; at: number; field: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; from: number }
  | { kind: 'swap'; at: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), field: fc.nat(), value: fc.jsonValue({ maxDepth: 1 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), from: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
);

/** A different value than `old` for an edited field. */
function changed(old: unknown, value: unknown): unknown {
  return JSON.stringify(old) === JSON.stringify(value) ? [value] : value;
}

/** Applies `m` to the flat line list; false when it cannot change the log in a detectable way. */
function mutate(lines: string[], m: Mutation): boolean {
  const n = lines.length;
  if (m.kind === 'edit') {
    const at = m.at % n;
    const parsed = JSON.parse(lines[at]) as Record<string, unknown>;
    const name = Object.keys(parsed)[m.field % Object.keys(parsed).length];
    parsed[name] = changed(parsed[name], m.value);
    lines[at] = JSON.stringify(parsed);
  } else if (m.kind === 'delete') {
    if (n < 2) return false;
    lines.splice(m.at % (n - 1), 1);
  } else if (m.kind === 'insert') {
    lines.splice(m.at % (n + 1), 0, lines[m.from % n]);
  } else {
    const [a, b] = [m.at % n, m.other % n];
    if (a === b) return false;
    [lines[a], lines[b]] = [lines[b], lines[a]];
  }
  return true;
}

describe('verifyAudit property', () => {
  it('fails at the first changed line after any single edit, deletion, insertion or swap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 12 }),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 32 }), { nil: null }),
        fc.integer({ min: 1024, max: 4096 }),
        mutation,
        async (records, keyBytes, maxFileBytes, m) => {
          const auditKey = keyBytes === null ? null : Buffer.from(keyBytes);
          const dir = await writtenLog(records, auditKey, maxFileBytes);
          const names = auditFiles(dir);
          const counts = names.map((name) => readLines(join(dir, name)).length);
          const original = names.flatMap((name) => readLines(join(dir, name)));
          const lines = [...original];
          fc.pre(mutate(lines, m));
          // Lines go back into the same files; the last file takes what a change added or removed.
          const labels: Array<{ file: string; line: number }> = [];
          let from = 0;
          names.forEach((name, f) => {
            const take = f === names.length - 1 ? lines.length - from : Math.min(counts[f], lines.length - from);
            writeLines(join(dir, name), lines.slice(from, from + take));
            for (let i = 0; i < take; i++) labels.push({ file: join(dir, name), line: i + 1 });
            from += take;
          });
          const firstChange = lines.findIndex((line, i) => line !== original[i]);
          // An edit that makes an unkeyed log say it is keyed gets a refusal to check it without the key.
          if (auditKey === null && lines[firstChange].includes('"keyed":true')) {
            await expect(verifyAudit(dir, auditKey)).rejects.toMatchObject({ code: 'AUDIT_KEY_REQUIRED' });
            return;
          }
          const result = await verifyAudit(dir, auditKey);
          expect(result).toMatchObject({ ok: false, ...labels[firstChange] });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('passes every log it wrote, with and without a key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 12 }), fc.option(fc.uint8Array({ minLength: 1, maxLength: 32 }), { nil: null }), async (records, keyBytes) => {
        const auditKey = keyBytes === null ? null : Buffer.from(keyBytes);
        const dir = await writtenLog(records, auditKey, 2048);
        expect(await verifyAudit(dir, auditKey)).toMatchObject({ ok: true, records: records.length });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
