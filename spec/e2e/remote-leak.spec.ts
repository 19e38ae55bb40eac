// issue #15, the standing leak test extended to the remote path (spec/switch/leak.spec.ts covers
// serve and the issuer host alone): every test card through serve -> `isotrace issuer` on both link
// pairs (authorization with ICC data, purchase with track 2 and PIN block, reversal), then through
// a silent issuer (timeouts: reversal advices queued with the PAN sealed) and a restart that delivers
// them. Both processes log at trace and export spans. No clear PAN, track 2, PIN block may reach
// either log, the span bytes, any audit file or any file of the queue directory; nor ICC data the
// audit or queue files.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKED_PAN, auditRecords } from '../helpers/audit-trail.js';
import { CardSecrets, forms } from '../helpers/leak-check.js';
import { OtlpCollector } from '../helpers/otlp-collector.js';
import { Resources, type Served } from '../helpers/serve-harness.js';
import { testCards, type TestCard } from '../helpers/test-cards.js';
import { message, originalData, purchaseFields } from '../helpers/terminal.js';
import { PAIRS, owed, startRemote, until, type InProcessRemote, type LinkPair } from './helpers/remote.js';

const resources = new Resources();
const secrets = new CardSecrets();
const PIN_BLOCK = 'C0FFEE0123456789';
/** DE 55 (ICC data) the authorizations carry, as hex: never in an audit or queue file. */
const ICC = '9F02060000000010009F2608A1B2C3D4E5F6A7B89F360200A1';
const logs: string[] = [];
const auditDirs: string[] = [];
/** The queue directories' files, read while advices were owed and after. */
const safTexts: string[] = [];
let collector: OtlpCollector;
let queued = 0;

const dirText = (dir: string): string => readdirSync(dir).map((name) => readFileSync(join(dir, name), 'latin1')).join('\n');

/** Every card of `cards` through `sw`: an authorization with ICC data, a purchase by track 2 with a PIN block, a reversal. */
async function driveCards(sw: Served, cards: readonly TestCard[], withReversal: boolean): Promise<void> {
  await Promise.all(cards.map(async (card, i) => {
    const t = await sw.terminal(PAIRS.find((p) => p.terminal.spec === sw.codec.spec.name)?.terminalOptions ?? {});
    const tid = `LEAK${String(i).padStart(4, '0')}`;
    if (i === 0) t.sendBytes(Buffer.alloc(0)); // a keep-alive, logged at trace
    const track2 = `${card.pan}=${card.expiry ?? '2812'}2011000123`;
    secrets.pans.add(card.pan);
    secrets.tracks.add(track2);
    const auth = message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, 1_000, { 41: tid, 55: ICC }));
    await t.request(auth);
    await t.request(message(sw.codec, '0200', purchaseFields(card.pan, null, 1_000, { 2: undefined, 35: track2, 52: PIN_BLOCK, 41: tid })));
    if (withReversal) await t.request(message(sw.codec, '0400', { ...purchaseFields(card.pan, card.expiry, 1_000, { 41: tid, 11: auth.get(11) as string }), 90: originalData(auth) }));
  }));
}

async function collect(...hosts: Array<Served | null>): Promise<void> {
  for (const h of hosts) {
    if (h === null) continue;
    await h.stop();
    logs.push(h.log.text());
    auditDirs.push(h.auditDir);
  }
}

async function answeringPath(pair: LinkPair): Promise<void> {
  const otlp = { otlpEndpoint: collector.endpoint };
  const r = await startRemote(resources, pair, { issuer: otlp, serve: otlp, def: { timeoutMs: 1_000 } });
  // The stub's 91 card makes the issuer wait 10 minutes: the silent issuer below covers timeouts.
  await driveCards(r.serve, testCards().filter((c) => c.rc !== '91'), true);
  await collect(r.serve, r.issuer);
  safTexts.push(dirText(r.safDir));
}

/** A silent issuer: every authorization times out and its advice is queued; then a restart delivers them. */
async function timeoutPath(pair: LinkPair): Promise<void> {
  const otlp = { otlpEndpoint: collector.endpoint };
  const silent: InProcessRemote = await startRemote(resources, pair, { issuer: { ...otlp, dropRate: 1 }, serve: otlp, def: { timeoutMs: 200, signOn: false } });
  const cards = testCards().filter((c) => c.rc !== '15' && c.rc !== '14');
  await driveCards(silent.serve, cards, false);
  queued = (await owed(silent.safDir)).length;
  safTexts.push(dirText(silent.safDir));
  await collect(silent.serve, silent.issuer);
  safTexts.push(dirText(silent.safDir));
  const again = await startRemote(resources, pair, { issuer: otlp, serve: otlp, safDir: silent.safDir });
  await again.serve.log.next('saf.acknowledged', () => true, queued);
  await until('an empty queue', async () => ((await owed(silent.safDir)).length === 0 ? true : undefined));
  await collect(again.serve, again.issuer);
  safTexts.push(dirText(silent.safDir));
}

beforeAll(async () => {
  collector = await OtlpCollector.start();
  resources.add(() => collector.close());
  secrets.pinBlocks.add(PIN_BLOCK);
  for (const pair of PAIRS) await answeringPath(pair);
  await timeoutPath(PAIRS[0]);
}, 60_000);
afterAll(() => resources.run());

describe('card data on the remote path', () => {
  it('drove every card through both processes at trace level, queued advices with PANs and delivered them', () => {
    const text = logs.join('\n');
    expect(logs).toHaveLength(8);
    expect(queued).toBeGreaterThanOrEqual(testCards().length);
    expect(text.match(/"evt":"saf\.acknowledged"/g)).toHaveLength(queued);
    expect(text).toContain('"level":"trace"');
    // While owed, the queue's files held every advice with its PAN (DE 2) sealed.
    expect(safTexts.slice(-3, -1).map((t) => t.match(/"ev":"entry"[^\n]*"sensitive":\[2[,\]]/g)?.length)).toEqual([queued, queued]);
    expect(collector.spans.filter((s) => s.name === 'issuer acme').length).toBeGreaterThan(testCards().length * 2);
    expect(collector.spans.filter((s) => s.name === 'iso8583 0420 advice' || s.name === 'iso8583 0421 advice').length).toBe(queued);
  });

  it('issue #15: never writes a test PAN, track 2 or PIN block in clear to either process\'s log', () => {
    expect(secrets.leaksIn(logs.join('\n'))).toEqual([]);
  });

  it('issue #15: never exports a test PAN, track 2 or PIN block in clear in span bytes of either process', () => {
    const raw = Buffer.concat(collector.bodies);
    expect(secrets.leaksIn(raw.toString('latin1'))).toEqual([]);
    expect(raw.includes(Buffer.from(PIN_BLOCK, 'hex'))).toBe(false);
  });

  it('issue #15: never writes card data or ICC data to an audit file of either process, and masks every PAN', async () => {
    const text = auditDirs.map(dirText).join('\n');
    expect(secrets.leaksIn(text)).toEqual([]);
    expect(forms([ICC]).filter((icc) => text.includes(icc))).toEqual([]);
    const records = (await Promise.all(auditDirs.map((d) => auditRecords(d)))).flat();
    const pans = records.map((r) => r.request.pan).filter((p) => p !== null);
    expect(pans.length).toBeGreaterThan(testCards().length * 4);
    expect(pans.filter((p) => !MASKED_PAN.test(p))).toEqual([]);
  });

  it('issue #15: keeps the PAN of a queued advice sealed: no card data, PIN block or ICC data in any file of the queue directory', () => {
    const text = safTexts.join('\n');
    expect(secrets.leaksIn(text)).toEqual([]);
    expect(forms([ICC]).filter((icc) => text.includes(icc))).toEqual([]);
  });
});
