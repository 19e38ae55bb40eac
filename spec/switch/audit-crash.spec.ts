// The audit trail across a crash (issue #5): the built CLI's `serve` under load from five terminals
// is killed with SIGKILL while requests are in flight, then restarted on the same audit directory.
// Strict mode promises that every answer a terminal received has its record on disk: after the
// restart the chain verifies and each received answer has exactly one record. A torn last line
// left in the newest file is set aside (warning, side file) and the chain goes on.

import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { listAuditFiles, verifyAudit } from '../../src/audit/index.js';
import { auditRecords } from '../helpers/audit-trail.js';
import { cleanEnv, spawnServe, type ServeChild } from '../helpers/child-serve.js';
import { Resources } from '../helpers/serve-harness.js';
import { WINDOW, connect as connectTo, expectOneRecordEach, loadTerminal as loadOn, purchase, type Received } from '../helpers/crash-load.js';

const resources = new Resources();
afterEach(() => resources.run());

const KEY = 'audit-crash-hmac-key';
const ENV = cleanEnv({ ISOTRACE_AUDIT_KEY: KEY });
const TERMINALS = 5;
const LOAD_MS = 1_000;

function auditDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-audit-crash-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const connect = (port: number) => connectTo(resources, port);
const loadTerminal = (port: number, tid: string, received: Received[]) => loadOn(resources, port, tid, received);

/** One approval through `sw`, then SIGTERM: resolves with the answer once it exited 0. */
async function lastTransactionAndStop(sw: ServeChild, tid: string): Promise<Received> {
  const t = await connect(sw.port);
  const res = await t.request(purchase(tid, 200));
  expect([res.mti, res.get(39)]).toEqual(['0110', '00']);
  t.close();
  sw.child.kill('SIGTERM');
  const [code] = await sw.exited;
  expect([code, sw.stderr()]).toEqual([0, '']);
  return { tid, stan: String(res.get(11)), rc: '00', rrn: String(res.get(37)) };
}

describe('serve killed with SIGKILL under load', () => {
  it('keeps a record of every answer a terminal received, and the chain verifies after a restart', async () => {
    const dir = auditDir();
    const first = await spawnServe(resources, ['--audit-dir', dir], ENV);
    const received: Received[] = [];
    const loads = Array.from({ length: TERMINALS }, (_, i) => loadTerminal(first.port, `CRASH00${i}`, received));
    await Promise.all(loads.map((l) => l.started));
    await sleep(LOAD_MS); // the crash window: load runs, answers arrive, requests are in flight
    first.child.kill('SIGKILL');
    expect((await first.exited)[1]).toBe('SIGKILL');
    const sent = (await Promise.all(loads.map((l) => l.sent))).reduce((a, b) => a + b, 0);
    const answeredBeforeKill = [...received];
    expect(answeredBeforeKill.length).toBeGreaterThan(TERMINALS);
    expect(sent).toBe(answeredBeforeKill.length + TERMINALS * WINDOW); // each terminal had WINDOW requests in flight at the kill

    const second = await spawnServe(resources, ['--audit-dir', dir], ENV);
    const last = await lastTransactionAndStop(second, 'CRASH999');

    const verified = await verifyAudit(dir, Buffer.from(KEY, 'utf8'));
    expect(verified).toMatchObject({ ok: true });
    const records = await auditRecords(dir);
    expect(verified).toMatchObject({ records: records.length, head: records.at(-1)?.hash });
    expectOneRecordEach(records, [...answeredBeforeKill, last]);
    expect(records.at(-1)?.request.terminal_id).toBe('CRASH999');
    expect(records.length).toBeLessThanOrEqual(sent + 1); // no record without a request
    expect(records.every((r) => r.outcome.response_code === '00')).toBe(true);
  });
});

describe('serve restarted on a log with a torn last line', () => {
  it('sets the torn line aside with a warning and a side file, and the chain goes on and verifies', async () => {
    const dir = auditDir();
    const first = await spawnServe(resources, ['--audit-dir', dir], ENV);
    const t = await connect(first.port);
    const before = await t.request(purchase('TORN0001'));
    expect(before.get(39)).toBe('00');
    first.child.kill('SIGKILL');
    await first.exited;

    const [newest] = (await listAuditFiles(dir)).slice(-1);
    const path = join(dir, newest.name);
    const torn = '{"id":"0190a4f2-0000-7000-8000-00000000beef","trace_id":"4bf92f3577b34da6a3ce929d0e0e47';
    const size = readFileSync(path).length;
    appendFileSync(path, torn);

    const second = await spawnServe(resources, ['--audit-dir', dir], ENV);
    const warning = await second.next('audit.torn_line_set_aside');
    expect(warning).toMatchObject({ level: 40, file: path, tornBytes: torn.length, keptBytes: size });
    const sideFile = String(warning.sideFile);
    expect(sideFile.startsWith(`${path}.torn-`)).toBe(true);
    expect(existsSync(sideFile) && readFileSync(sideFile, 'utf8')).toBe(torn);
    const last = await lastTransactionAndStop(second, 'TORN0002');

    expect(readFileSync(path, 'utf8')).not.toContain(torn);
    expect(await verifyAudit(dir, Buffer.from(KEY, 'utf8'))).toMatchObject({ ok: true, records: 2 });
    const records = await auditRecords(dir);
    expectOneRecordEach(records, [{ tid: 'TORN0001', stan: String(before.get(11)), rc: '00', rrn: String(before.get(37)) }, last]);
  });
});
