// issue #17 end to end with real processes (the built CLI) on a real PostgreSQL: serve --store
// node A SIGKILLed holding a reversal advice it had sent and not had acknowledged; node B, another
// process on the same store, delivers it as a repeat (0421), once. Two nodes owing advices deliver
// them together: each acknowledged once, counted in the issuer's audit log and the nodes' transaction
// log. And the store stopped: the advice not queued said loudly, the terminal answered 96 (its audit
// record cannot be committed either); started again, advices are queued and delivered without a restart.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredAuditRecord } from '../../src/audit/index.js';
import { builtinCodec } from '../../src/codec/index.js';
import { postgresPerFile } from '../helpers/postgres-file.js';
import { startPostgres } from '../helpers/postgres.js';
import { Resources } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, originalData, purchaseFields, Terminal } from '../helpers/terminal.js';
import { withClient } from '../store/helpers/saf-store.js';
import { adviceRecords, pairTerminal, PAIRS, spawnRemoteIssuer, spawnRemoteServe, stopChild, tempDir, traceIdOf, until, writeRemoteRoutes } from './helpers/remote.js';

const resources = new Resources();
afterEach(() => resources.run());
const pgFile = postgresPerFile();

const [PAIR] = PAIRS;
const CODEC = builtinCodec(PAIR.terminal.spec);
const card = cardFor('00', 'load-test');

const terminal = (port: number): Promise<Terminal> => pairTerminal(resources, PAIR, port);

/** A key file for the nodes of a test (32 random bytes, 0600). */
function keyFile(dir: string): string {
  const path = join(dir, 'saf.key');
  writeFileSync(path, randomBytes(32), { mode: 0o600 });
  return path;
}

interface Row {
  id: string;
  state: string;
  attempts: number;
  last_sent_by: string | null;
  traceparent: string;
}

/** The audit records of every node, from the store's transaction log. */
const storeRecords = (url: string): Promise<StoredAuditRecord[]> =>
  withClient(url, async (c) => (await c.query<{ record_text: string }>('SELECT record_text FROM isotrace.txn_log ORDER BY node_id, seq')).rows.map((r) => JSON.parse(r.record_text) as StoredAuditRecord));
/** Duplicate claims made (the requests the nodes took on). */
const claims = (url: string): Promise<number> => withClient(url, async (c) => Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM isotrace.duplicate_claims')).rows[0].n));

const rows = (url: string): Promise<Row[]> => withClient(url, async (c) => (await c.query<Row>('SELECT id, state, attempts, last_sent_by, traceparent FROM isotrace.saf_entries ORDER BY id')).rows);

describe('serve --store: the store-and-forward queue shared by two nodes', () => {
  it('issue #17: node A SIGKILLed with an advice sent and not acknowledged: node B delivers it as 0421, once', async () => {
    const url = await pgFile.server.newDatabase();
    const dir = tempDir(resources, 'store-saf');
    const store = { store: url, safKeyFile: keyFile(dir) };
    const silent = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit-1'), { dropRate: 1 });
    const a = await spawnRemoteServe(resources, PAIR, writeRemoteRoutes(dir, PAIR, [silent.port], { timeoutMs: 300, signOn: false }), join(dir, 'unused-saf-a'), join(dir, 'audit-a'), { ...store, nodeId: 'node-a' });
    const t = await terminal(a.port);
    expect((await t.request(message(CODEC, '0100', purchaseFields(card.pan, card.expiry, 1_000)))).get(39)).toBe('91');
    expect(await a.next('saf.delivery_failed')).toMatchObject({ mti: '0420', attempts: 1 });
    a.child.kill('SIGKILL');
    await a.exited;
    silent.child.kill('SIGKILL');
    const [owed] = await rows(url);
    expect(owed).toMatchObject({ state: 'owed', attempts: 1, last_sent_by: 'node-a' });

    const issuer = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit-2'));
    const b = await spawnRemoteServe(resources, PAIR, writeRemoteRoutes(dir, PAIR, [issuer.port]), join(dir, 'unused-saf-b'), join(dir, 'audit-b'), { ...store, nodeId: 'node-b' });
    expect(await b.next('saf.acknowledged')).toMatchObject({ id: Number(owed.id), mti: '0421', rc: '00', attempts: 2 });
    expect(await rows(url)).toEqual([expect.objectContaining({ id: owed.id, state: 'acknowledged', attempts: 2, last_sent_by: 'node-b' })]);
    await stopChild(b);
    await stopChild(issuer);
    const delivered = await adviceRecords(join(dir, 'issuer-audit-2'));
    expect(delivered.map((r) => [r.request.mti, r.trace_id])).toEqual([['0421', traceIdOf(owed.traceparent)]]);
  }, 60_000);

  it('issue #17: two nodes owing advices deliver them together to a real issuer: each acknowledged once, counted in the issuer\'s audit log', async () => {
    const url = await pgFile.server.newDatabase();
    const dir = tempDir(resources, 'store-saf');
    const store = { store: url, safKeyFile: keyFile(dir) };
    // A slow issuer: every authorization times out (an advice owed), and so does every send of an advice.
    const slow = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit-1'), { delayMs: 1_000 });
    const routes = writeRemoteRoutes(dir, PAIR, [slow.port], { timeoutMs: 500, signOn: false });
    const nodes = await Promise.all(['node-a', 'node-b'].map((nodeId) => spawnRemoteServe(resources, PAIR, routes, join(dir, `unused-saf-${nodeId}`), join(dir, `audit-${nodeId}`), { ...store, nodeId })));
    const terminals = await Promise.all(nodes.map((n) => terminal(n.port)));
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => terminals[i % 2].request(message(CODEC, '0100', purchaseFields(card.pan, card.expiry, 1_000, { 41: `TERM000${i}` }))).then((m) => m.get(39))));
    expect(answers).toEqual(Array(8).fill('91'));
    const owed = await rows(url);
    expect(owed).toHaveLength(8);
    // The slow issuer replaced by a prompt one on its port: both nodes' links come back, either may deliver.
    slow.child.kill('SIGKILL');
    await slow.exited;
    const prompt = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit-2'), {}, slow.port);
    await until('every advice acknowledged', async () => ((await rows(url)).every((r) => r.state === 'acknowledged') ? true : undefined), 30_000);
    for (const n of nodes) await stopChild(n);
    await stopChild(prompt);
    // The issuer got each advice (a send that timed out on a loaded machine may add a repeat, 0421, never a second 0420).
    const traces = owed.map((r) => traceIdOf(r.traceparent)).sort();
    const delivered = await adviceRecords(join(dir, 'issuer-audit-2'));
    expect([...new Set(delivered.map((r) => r.trace_id))].sort()).toEqual(traces);
    const firstSends = [...await adviceRecords(join(dir, 'issuer-audit-1')), ...delivered].filter((r) => r.request.mti === '0420').map((r) => r.trace_id);
    expect(new Set(firstSends).size).toBe(firstSends.length);
    // Acknowledged exactly once each, by one node or the other: audited in the store's transaction log.
    const acknowledged = (await storeRecords(url)).filter((r) => r.source.conn_id === 'saf:acme');
    expect(acknowledged.map((r) => r.trace_id).sort()).toEqual(traces);
  }, 90_000);

  it('issue #17: the store stopped: 96 and the advice not queued said loudly; started again, the next one is queued and delivered', async () => {
    const pg = await startPostgres();
    resources.add(() => pg.stop());
    const dir = tempDir(resources, 'store-saf');
    const issuer = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit'), { delayMs: 4_000 });
    const routes = writeRemoteRoutes(dir, PAIR, [issuer.port], { timeoutMs: 3_000, signOn: false });
    const s = await spawnRemoteServe(resources, PAIR, routes, join(dir, 'unused-saf'), join(dir, 'audit'), { store: pg.url, safKeyFile: keyFile(dir), nodeId: 'node-a' });
    const t = await terminal(s.port);
    // The store stops once the request is claimed (a request whose claim cannot be made never
    // reaches the issuer: 96), while the issuer takes its time: the timeout's advice finds it stopped.
    t.send(message(CODEC, '0100', purchaseFields(card.pan, card.expiry, 1_000)));
    await until('the request claimed', async () => ((await claims(pg.url)) > 0 ? true : undefined), 2_000);
    await pg.stopServer();
    // The 91 of the issuer's timeout cannot be audited either (the audit trail is in the same store): strict mode answers 96.
    expect((await t.receive()).get(39)).toBe('96');
    expect(await s.next('saf.enqueue_failed')).toMatchObject({ reason: 'timeout', err: { code: 'STORE_UNAVAILABLE' } });
    await pg.startServer();
    expect((await t.request(message(CODEC, '0100', purchaseFields(card.pan, card.expiry, 1_000, { 11: '000002' })))).get(39)).toBe('91');
    const queued = await s.next('saf.queued');
    // The slow issuer (it answers advices late too) replaced by a prompt one on its port.
    issuer.child.kill('SIGKILL');
    await issuer.exited;
    const prompt = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit-2'), {}, issuer.port);
    expect(await s.next('saf.acknowledged')).toMatchObject({ id: queued.id, rc: '00' });
    expect(await rows(pg.url)).toEqual([expect.objectContaining({ id: String(queued.id), state: 'acknowledged' })]);
    await stopChild(s);
    await stopChild(prompt);
  }, 60_000);

  it("issue #17: a terminal's reversal with the store stopped and no link up is answered 96, not 00; sent again once the store is back, it is queued", async () => {
    const pg = await startPostgres();
    resources.add(() => pg.stop());
    const dir = tempDir(resources, 'store-saf');
    const issuer = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit'));
    const routes = writeRemoteRoutes(dir, PAIR, [issuer.port], { timeoutMs: 1_000, signOn: false });
    const s = await spawnRemoteServe(resources, PAIR, routes, join(dir, 'unused-saf'), join(dir, 'audit'), { store: pg.url, safKeyFile: keyFile(dir), nodeId: 'node-a' });
    const t = await terminal(s.port);
    const auth = await t.request(message(CODEC, '0100', purchaseFields(card.pan, card.expiry, 1_000, { 11: '000101' })));
    expect(auth.get(39)).toBe('00');
    // No link up and no queue: the reversal is not done, so the terminal must not be told it is.
    issuer.child.kill('SIGKILL');
    await issuer.exited;
    await s.next('link.down');
    await pg.stopServer();
    // The original's STAN and DE 7: the reversal names the transaction it reverses.
    const reversal = message(CODEC, '0400', { ...purchaseFields(card.pan, card.expiry, 1_000, { 11: '000101', 7: auth.get(7) as string }), 90: originalData(auth) });
    expect((await t.request(reversal)).get(39)).toBe('96');
    // With the whole state in the store, the original cannot be looked up either: the reversal is
    // answered 96 before the issuer or the queue is tried.
    expect(await until('the 96 said', async () => s.lines.find((l) => l.evt === 'txn.done' && l.mti === '0400' && (l.err as { code?: string } | undefined)?.code === 'STORE_UNAVAILABLE'), 10_000)).toMatchObject({ rc: '96' });
    await pg.startServer();
    await until('the reversal sent again is accepted', async () => ((await t.request(reversal)).get(39) === '00' ? true : undefined), 20_000);
    expect((await rows(pg.url)).map((r) => r.state)).toEqual(['owed']);
    await stopChild(s);
  }, 60_000);
});
