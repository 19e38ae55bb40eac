// Audit benchmark: appends per second and records per fdatasync of AuditWriter with 50 concurrent
// appenders, in strict mode (each append waits for its batch's sync) and async mode (appends resolve
// at once; timed until close() has synced everything), beside 1 appender (no grouping possible).
// Real files and real syncs in a temporary directory under os.tmpdir().

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditWriter, type AuditMode } from '../src/audit/index.js';

const APPENDERS = Number(process.env.BENCH_AUDIT_APPENDERS ?? 50);
const RECORDS = Number(process.env.BENCH_AUDIT_RECORDS ?? 50_000);

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A record the size and shape of the switch's (about 900 bytes sealed). */
function record(i: number): Record<string, unknown> {
  const stan = String(i % 1_000_000).padStart(6, '0');
  return {
    id: `0190a4f2-7c1e-7000-8000-${String(i).padStart(12, '0')}`,
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    received_at: '2026-11-23T20:30:00.123456Z',
    completed_at: '2026-11-23T20:30:00.125001Z',
    duration_us: 1545,
    source: { conn_id: i % 50, remote: '127.0.0.1:50412' },
    request: { mti: '0100', stan, rrn: `632712${stan}`, terminal_id: 'TERM0001', merchant_id: 'MERCHANT0000001', acquirer_id: '123456', processing_code: '000000', amount: '000000001000', currency: '978', pan: '476173******0119', fields: [2, 3, 4, 7, 11, 12, 13, 14, 22, 25, 37, 41, 42, 49] },
    route: { issuer: 'stub', bin: '476173' },
    outcome: { response_code: '00', approval_code: 'A1B2C3', reason: 'approved', duplicate: false },
    response: { mti: '0110', fields: [3, 4, 7, 11, 12, 13, 37, 38, 39, 41, 49] },
    stages: ['validate', 'dedupe', 'route', 'authorize', 'respond'].map((name, s) => ({ name, start_us: s * 40, duration_us: 35, status: 'ok' })),
    error: null,
  };
}

async function runCase(mode: AuditMode, appenders: number, records: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'isotrace-audit-bench-'));
  try {
    const writer = await AuditWriter.open({ dir, mode, key: Buffer.from('bench key') });
    const perAppender = Math.ceil(records / appenders);
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: appenders }, async (_, a) => {
        for (let i = 0; i < perAppender; i++) {
          await writer.append(record(a * perAppender + i));
          // Async appends resolve at once; yield as a transaction arriving on a socket would.
          if (mode === 'async') await nextTurn();
        }
      }),
    );
    await writer.close();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const { records: written, batches, recordsPerBatch } = writer.stats;
    const perSecond = Math.round(written / seconds).toLocaleString('en');
    console.log(`  ${mode.padEnd(6)} ${String(appenders).padStart(2)} appenders   ${perSecond.padStart(8)} appends/s   ${recordsPerBatch.toFixed(1).padStart(6)} records/fsync   (${written.toLocaleString('en')} records, ${batches.toLocaleString('en')} syncs, ${seconds.toFixed(2)} s)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  console.log(`audit: AuditWriter, HMAC chain, real fdatasync in ${tmpdir()}`);
  await runCase('strict', 1, Math.min(RECORDS, 2_000));
  await runCase('strict', APPENDERS, RECORDS);
  await runCase('async', APPENDERS, RECORDS);
}
