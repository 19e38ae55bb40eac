// issue #15 end to end with real processes (the built CLI): `isotrace issuer` SIGKILLed in the middle
// of a load (terminals get 91, the queue holds exactly the reversals owed), then restarted on its
// port (each advice delivered and acknowledged exactly once, counted in its audit log and serve's);
// serve SIGKILLed with an advice sent but not acknowledged, restarted on the same --saf-dir: the
// advice is delivered as a repeat (0421).

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditRecords } from '../helpers/audit-trail.js';
import { Resources } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields, Terminal } from '../helpers/terminal.js';
import { builtinCodec } from '../../src/codec/index.js';
import {
  adviceRecords, pairTerminal, nthLine, owed, PAIRS, spawnRemoteIssuer, spawnRemoteServe, stopChild, tempDir, traceIdOf, until, writeRemoteRoutes,
} from './helpers/remote.js';

const resources = new Resources();
afterEach(() => resources.run());

const [PAIR] = PAIRS;
const CODEC = builtinCodec(PAIR.terminal.spec);
/** The load-test card: a balance no load exhausts. */
const card = cardFor('00', 'load-test');

const terminal = (port: number): Promise<Terminal> => pairTerminal(resources, PAIR, port);

describe('remote issuer killed and restarted', () => {
  it('issue #15: an issuer killed under load: terminals get 91, the queue owes exactly the unanswered; restarted, each advice is acknowledged once', async () => {
    const dir = tempDir(resources, 'crash');
    // A slow issuer, so that requests are in flight when it dies.
    const first = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit-1'), { delayMs: 150 });
    const routes = writeRemoteRoutes(dir, PAIR, [first.port], { timeoutMs: 5_000 });
    const safDir = join(dir, 'saf');
    const serve = await spawnRemoteServe(resources, PAIR, routes, safDir, join(dir, 'serve-audit'));
    const answers: Array<{ rc: unknown; tid: string }> = [];
    let isKilled = false;
    const load = Array.from({ length: 6 }, async (_, i) => {
      const t = await terminal(serve.port);
      const tid = `LOAD000${i}`;
      // Each terminal keeps one request in flight until a 91 after the kill.
      for (;;) {
        const res = await t.request(message(CODEC, '0100', purchaseFields(card.pan, card.expiry, 1_000, { 41: tid })));
        answers.push({ rc: res.get(39), tid });
        if (isKilled && res.get(39) === '91') return;
      }
    });
    await until('answers before the kill', () => (answers.length >= 12 ? true : undefined));
    first.child.kill('SIGKILL');
    isKilled = true;
    await first.exited;
    await Promise.all(load);
    expect(new Set(answers.map((a) => a.rc))).toEqual(new Set(['00', '91']));
    const entries = await owed(safDir);
    expect(entries.length).toBeGreaterThan(0);
    await nthLine(serve, 'saf.queued', entries.length); // log lines are written asynchronously
    expect(serve.lines.filter((l) => l.evt === 'saf.queued')).toHaveLength(entries.length);
    expect(entries.every((e) => e.issuer === 'acme' && e.mti === '0420' && e.attempts === 0)).toBe(true);

    // Restarted on the same port: the link comes back and every advice goes, in order.
    const second = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit-2'), {}, first.port);
    await nthLine(serve, 'link.up', 2);
    await nthLine(serve, 'saf.acknowledged', entries.length);
    await until('an empty queue', async () => ((await owed(safDir)).length === 0 ? true : undefined));
    await stopChild(serve);
    await stopChild(second);

    const owedTraces = entries.map((e) => traceIdOf(e.traceparent));
    const firstRecords = await auditRecords(join(dir, 'issuer-audit-1'));
    const switchRecords = await auditRecords(join(dir, 'serve-audit'));
    const approvedToTerminal = new Set(switchRecords.filter((r) => r.request.mti === '0100' && r.outcome.response_code === '00').map((r) => r.trace_id));
    const refusedToTerminal = new Set(switchRecords.filter((r) => r.request.mti === '0100' && r.outcome.response_code === '91').map((r) => r.trace_id));
    // Owed: every approval the issuer recorded that the terminal never got; nothing the terminal got approved.
    const approvedUnseen = firstRecords.filter((r) => r.request.mti === '0100' && !approvedToTerminal.has(r.trace_id)).map((r) => r.trace_id);
    expect(approvedUnseen.filter((id) => !owedTraces.includes(id))).toEqual([]);
    expect(owedTraces.filter((id) => !refusedToTerminal.has(id))).toEqual([]);
    expect(new Set(owedTraces).size).toBe(entries.length);
    // Delivered exactly once each: one 0420 record per advice at the restarted issuer, one acknowledged record at serve.
    const delivered = await adviceRecords(join(dir, 'issuer-audit-2'));
    expect(delivered.map((r) => [r.request.mti, r.trace_id])).toEqual(owedTraces.map((id) => ['0420', id]));
    const acknowledged = switchRecords.filter((r) => r.source.conn_id === 'saf:acme');
    expect(acknowledged.map((r) => [r.request.mti, r.outcome.response_code, r.trace_id])).toEqual(owedTraces.map((id) => ['0420', '00', id]));
  }, 60_000);

  it('issue #15: an issuer stopped (SIGSTOP): 91 no earlier than the timeout; continued (SIGCONT), its late approval is reversed by the advice', async () => {
    const dir = tempDir(resources, 'crash');
    const issuer = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit'));
    const timeoutMs = 1_000;
    const serve = await spawnRemoteServe(resources, PAIR, writeRemoteRoutes(dir, PAIR, [issuer.port], { timeoutMs }), join(dir, 'saf'), join(dir, 'serve-audit'));
    const t = await terminal(serve.port);
    // USD 6,000.00 of the card's 10,000: a second one is approved only once the first is released.
    const approving = cardFor('00');
    const purchase = (): Promise<unknown> => t.request(message(CODEC, '0100', purchaseFields(approving.pan, approving.expiry, 600_000))).then((m) => m.get(39));
    issuer.child.kill('SIGSTOP');
    resources.add(() => issuer.child.kill('SIGCONT'));
    const started = performance.now();
    expect(await purchase()).toBe('91');
    expect(performance.now() - started).toBeGreaterThanOrEqual(timeoutMs);
    const [entry] = await owed(join(dir, 'saf'));
    expect(entry).toMatchObject({ issuer: 'acme', mti: '0420', reason: 'timeout' });
    issuer.child.kill('SIGCONT');
    expect(await serve.next('issuer.late_approval')).toMatchObject({ issuer: 'acme', mti: '0110' });
    expect(await serve.next('saf.acknowledged')).toMatchObject({ id: entry.id, rc: '00' });
    expect(await purchase()).toBe('00');
    await stopChild(serve);
    await stopChild(issuer);
    const switchRecords = await auditRecords(join(dir, 'serve-audit'));
    const timedOut = switchRecords.find((r) => r.outcome.response_code === '91')!;
    expect(timedOut.trace_id).toBe(traceIdOf(entry.traceparent));
    expect(switchRecords.filter((r) => r.source.conn_id === 'saf:acme').map((r) => r.trace_id)).toEqual([timedOut.trace_id]);
    const issuerAdvices = await adviceRecords(join(dir, 'issuer-audit'));
    expect(issuerAdvices.length).toBeGreaterThanOrEqual(1);
    expect(issuerAdvices.every((r) => r.trace_id === timedOut.trace_id)).toBe(true);
    // The first advice found the approval it reverses, though it was read with it in one chunk.
    expect(issuerAdvices[0].outcome.reason).not.toContain('unknown original');
  }, 60_000);

  it('issue #15: serve SIGKILLed with an advice sent and not acknowledged, restarted on the same --saf-dir, delivers it as 0421', async () => {
    const dir = tempDir(resources, 'crash');
    const safDir = join(dir, 'saf');
    // An issuer that never answers: the request times out, its advice is sent and never acknowledged.
    const silent = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit-1'), { dropRate: 1 });
    const serve = await spawnRemoteServe(resources, PAIR, writeRemoteRoutes(dir, PAIR, [silent.port], { timeoutMs: 300, signOn: false }), safDir, join(dir, 'serve-audit-1'));
    const t = await terminal(serve.port);
    expect((await t.request(message(CODEC, '0100', purchaseFields(card.pan, card.expiry, 1_000)))).get(39)).toBe('91');
    await serve.next('saf.delivery_failed');
    serve.child.kill('SIGKILL');
    await serve.exited;
    silent.child.kill('SIGKILL');
    const [entry] = await owed(safDir);
    expect(entry).toMatchObject({ issuer: 'acme', mti: '0420', state: 'sent' });

    const issuer = await spawnRemoteIssuer(resources, PAIR, join(dir, 'issuer-audit-2'));
    const again = await spawnRemoteServe(resources, PAIR, writeRemoteRoutes(dir, PAIR, [issuer.port]), safDir, join(dir, 'serve-audit-2'));
    expect(await again.next('saf.acknowledged')).toMatchObject({ id: entry.id, mti: '0421', rc: '00' });
    expect(await owed(safDir)).toEqual([]);
    await stopChild(again);
    await stopChild(issuer);
    const delivered = await adviceRecords(join(dir, 'issuer-audit-2'));
    expect(delivered.map((r) => [r.request.mti, r.trace_id])).toEqual([['0421', traceIdOf(entry.traceparent)]]);
    expect((await adviceRecords(join(dir, 'serve-audit-2'))).map((r) => [r.request.mti, r.source.conn_id])).toEqual([['0421', 'saf:acme']]);
  }, 60_000);
});
