// The switch on a failing audit disk (issue #5): with strict mode, an approvable request whose
// record cannot be written or synced is answered 96 (no terminal holds an answer the log lacks),
// logged as txn.audit_failed; once the disk works again the next approval is 00 and recorded, and
// the chain is unbroken. The Switch runs over an AuditWriter on a steerable fs, behind a real TCP server.

import { afterEach, describe, expect, it } from 'vitest';
import { AuditWriter, verifyAudit } from '../../src/audit/index.js';
import { InlineJournal, Switch } from '../../src/switch/index.js';
import { FrameServer } from '../../src/transport/index.js';
import { SteeredFs, tempDir } from '../audit/helpers/audit-fixtures.js';
import { auditRecords, expectRecord, fixtureRoute } from '../helpers/audit-trail.js';
import { Resources } from '../helpers/serve-harness.js';
import { testSwitch, TraceCapture } from '../helpers/switch-env.js';
import { cardFor } from '../helpers/test-cards.js';
import { Terminal, message, originalData, purchaseFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

const FULL = ['validate', 'dedupe', 'route', 'authorize', 'respond'];
const card = cardFor('00');

/** A Switch whose audit writer (strict) writes through `fs` into a temporary directory, served on 127.0.0.1:0, and a terminal. */
async function switchOnDisk(fs: SteeredFs) {
  const { env, log, stub } = testSwitch();
  const dir = tempDir();
  const writer = await AuditWriter.open({ dir, mode: 'strict', key: null, fs, logger: log });
  resources.add(() => writer.close().catch(() => {}));
  const traces = new TraceCapture();
  const sw = new Switch(env, traces, new InlineJournal(writer, log));
  const server = new FrameServer((frame, conn) => sw.handle(frame, { connId: conn.connId, remote: `${conn.remoteAddress}:${conn.remotePort}` }), { host: '127.0.0.1', port: 0, logger: log });
  await server.listen();
  resources.add(() => server.close());
  const t = await Terminal.connect(server.address!.port, env.codec);
  resources.add(() => t.close());
  const remote = `127.0.0.1:${t.socket.localPort}`;
  const buy = async (amount: number, which = card) => {
    const req = message(env.codec, '0100', purchaseFields(which.pan, which.expiry, amount));
    return { req, res: await t.request(req) };
  };
  return { dir, log, traces, buy, remote, t, env, stub };
}

type Hook = 'failWrite' | 'failSync';

/** An approval recorded, then one answered while `hook` fails with `errno`, then the disk back and another approval. */
async function failOnce(hook: Hook, errno: string) {
  const fs = new SteeredFs();
  const lane = await switchOnDisk(fs);
  const before = await lane.buy(1_000);
  fs[hook] = errno;
  const failed = await lane.buy(1_000);
  const done = await lane.log.next('txn.done', (l) => l.stan === failed.req.get(11));
  fs[hook] = null;
  const after = await lane.buy(1_000);
  return { ...lane, before, failed, done, after };
}

describe('serve strict on a failing audit disk', () => {
  it.each<[string, Hook, string]>([
    ['a write fails half-way (disk full)', 'failWrite', 'ENOSPC'],
    ['fdatasync fails (I/O error)', 'failSync', 'EIO'],
  ])('answers 96 when %s, logs txn.audit_failed, and approves and records again once the disk is back', async (_what, hook, errno) => {
    const { dir, log, remote, before, failed, done, after } = await failOnce(hook, errno);
    expect(before.res.get(39)).toBe('00');
    expect([failed.res.mti, failed.res.get(39), failed.res.get(11), failed.res.has(38)]).toEqual(['0110', '96', failed.req.get(11), false]);
    expect(done).toMatchObject({ rc: '96', err: { code: 'AUDIT_WRITE_FAILED' } });
    expect(await log.next('txn.audit_failed')).toMatchObject({ level: 'error', trace_id: done.trace_id, err: { code: 'AUDIT_WRITE_FAILED' } });
    expect(log.events('audit.write_failed')).toMatchObject([{ level: 'error', records: 1, err: { errno } }]);
    expect(after.res.get(39)).toBe('00');
    expect(await log.next('audit.write_recovered')).toMatchObject({ level: 'warn' });

    const records = await auditRecords(dir);
    const doneLines = log.events('txn.done');
    expect(records.map((r) => r.request.stan)).toEqual([before.req.get(11), after.req.get(11)]); // nothing of the failed batch stayed
    const expected = { pan: card.pan, route: fixtureRoute(card.pan), stages: FULL, remote };
    expectRecord(records[0], { ...before, ...expected }, doneLines[0]);
    expectRecord(records[1], { ...after, ...expected }, doneLines[2]);
    expect(await verifyAudit(dir, null)).toMatchObject({ ok: true, records: 2 });
    expect(log.text()).not.toContain(card.pan);
  });

  it('ends the root span of a transaction answered 96 for want of its record in error, with the error code', async () => {
    const { traces, done } = await failOnce('failSync', 'EIO');
    const root = traces.traces.find((tr) => tr.traceId === done.trace_id)!.root;
    expect(root.attributes['iso.response_code']).toBe('96');
    // As for any other 96 (the pipeline's root span: status 'error' for RC 96, error.code when the transaction failed).
    expect({ status: root.status, code: root.attributes['error.code'] }).toEqual({ status: 'error', code: 'AUDIT_WRITE_FAILED' });
  });

  it('issue #13: releases the hold of an approval answered 96, so the card approves again once the disk is back', async () => {
    const fs = new SteeredFs();
    const lane = await switchOnDisk(fs);
    const fiveDollars = cardFor('51'); // USD 5.00 available
    fs.failSync = 'EIO';
    const failed = await lane.buy(500, fiveDollars);
    expect(failed.res.get(39)).toBe('96');
    expect(await lane.log.next('txn.hold_released')).toMatchObject({ level: 'warn', trace_id: expect.any(String), issuer: 'stub' });
    expect(lane.stub.availableMinor(fiveDollars.pan)).toBe(500);
    fs.failSync = null;
    const after = await lane.buy(400, fiveDollars);
    expect(after.res.get(39)).toBe('00');
    expect(lane.stub.availableMinor(fiveDollars.pan)).toBe(100);
    // The 96 approval is no original: its reversal finds nothing to release, and the later hold stays.
    const reversal = message(lane.env.codec, '0400', { ...Object.fromEntries(failed.req.fields().map((de) => [de, failed.req.get(de) as string])), 90: originalData(failed.req) });
    expect((await lane.t.request(reversal)).get(39)).toBe('25');
    expect(lane.stub.availableMinor(fiveDollars.pan)).toBe(100);
    expect(lane.log.text()).not.toContain(fiveDollars.pan);
  });

  it('issue #13: does not keep a 96 for want of the audit record as the answer to repeats: a resend is handled anew', async () => {
    const fs = new SteeredFs();
    const lane = await switchOnDisk(fs);
    const req = message(lane.env.codec, '0100', purchaseFields(card.pan, card.expiry, 1_000));
    fs.failWrite = 'ENOSPC';
    expect((await lane.t.request(req)).get(39)).toBe('96');
    fs.failWrite = null;
    const resent = await lane.t.request(req);
    expect([resent.get(39), resent.has(38), resent.get(11)]).toEqual(['00', true, req.get(11)]);
    // Now the approval is kept: one more resend is its duplicate, answered byte for byte.
    const again = await lane.t.request(req);
    expect(again.get(38)).toBe(resent.get(38));
    const records = await auditRecords(lane.dir);
    expect(records.map((r) => [r.request.stan, r.outcome.response_code, r.outcome.duplicate])).toEqual([[req.get(11), '00', false], [req.get(11), '00', true]]);
  });
});
