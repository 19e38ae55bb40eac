// Standing leak test (style §5): every golden fixture of iso87ascii and iso87pos, and every test
// card (authorization, purchase with track 2 and PIN block, reversal, a malformed copy), through the
// real serve wiring at log level trace with OTLP export on, and every test card through the real
// `isotrace issuer` wiring continuing a caller's trace from DE 48. No PAN, track 2 or PIN block may appear
// in clear in the log text, in the exported span bytes or in any file of the audit directories
// (nor DE 55 there); masked PANs (first 6, last 4) are fine.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKED_PAN, auditRecords, maskedPan, type AuditRecord } from '../helpers/audit-trail.js';
import { caseBytes, listCases } from '../helpers/fixtures.js';
import { CardSecrets, forms } from '../helpers/leak-check.js';
import { OtlpCollector } from '../helpers/otlp-collector.js';
import { formatTraceparent } from '../../src/trace/index.js';
import { issuer, Resources, serve, type Served } from '../helpers/serve-harness.js';
import { fileCards, testCards } from '../helpers/test-cards.js';
import { message, originalData, purchaseFields, type Fields, type Terminal } from '../helpers/terminal.js';

const resources = new Resources();
const PIN_BLOCK = 'C0FFEE0123456789';
const DISCRETIONARY = '2011000123';

/** Clear values that must never leave the switch: PANs, track 2 values and PIN blocks (hex). */
const secrets = new CardSecrets();
/** DE 55 (ICC data) values, as hex: never in the audit trail. */
const iccData = new Set<string>();

function collectFixtureSecrets(spec: string): void {
  for (const c of listCases(spec)) {
    const f = c.json.fields as Record<string, string>;
    if (f['2'] !== undefined) secrets.pans.add(f['2']);
    if (f['35'] !== undefined) secrets.tracks.add(f['35']);
    if (f['35'] !== undefined) secrets.pans.add(f['35'].split('=')[0]);
    if (f['52'] !== undefined) secrets.pinBlocks.add(f['52']);
    if (f['55'] !== undefined) iccData.add(f['55']);
  }
}

const logs: string[] = [];
/** The audit directory of every switch driven. */
const auditDirs: string[] = [];
let collector: OtlpCollector;

async function drive(sw: Served, t: Terminal, bytes: Buffer): Promise<void> {
  t.sendBytes(bytes);
  t.send(message(sw.codec, '0800', { 7: '1123000000', 11: '999999', 70: '301' }));
  // Whatever the message got (an answer or nothing), the echo's answer comes after it.
  for (let a = await t.receive(); a.mti !== '0810' || a.get(11) !== '999999'; a = await t.receive());
}

async function driveFixtures(spec: string, flags: Record<string, unknown>, options: Parameters<Served['terminal']>[0] = {}): Promise<void> {
  const sw = await serve(resources, { ...flags, otlpEndpoint: collector.endpoint, issuerTimeoutMs: 100 });
  const t = await sw.terminal(options);
  t.sendBytes(Buffer.alloc(0)); // a keep-alive, logged at trace
  for (const c of listCases(spec)) await drive(sw, t, caseBytes(c).message);
  await sw.stop();
  logs.push(sw.log.text());
  auditDirs.push(sw.auditDir);
}

/** The span every request to the issuer names as its caller's (the switch's issuer call). */
const CALLER_SPAN_ID = '00f067aa0ba902b7';
/** DE 48 as a forwarding switch fills it for an issuer on `--trace-field 48:TP`. */
const TRACE_DE48 = `TP055${formatTraceparent('4bf92f3577b34da6a3ce929d0e0e4736', CALLER_SPAN_ID, true)}`;

/** Every test card through `sw`: authorization, purchase with track 2 and PIN block, reversal, a malformed copy; `extra` in each. */
async function driveCards(sw: Served, extra: Fields = {}): Promise<void> {
  const cards = testCards();
  await Promise.all(cards.map(async (card, i) => {
    const t = await sw.terminal();
    const tid = `LEAK${String(i).padStart(4, '0')}`;
    const track2 = `${card.pan}=${card.expiry ?? '2812'}${DISCRETIONARY}`;
    secrets.pans.add(card.pan);
    secrets.tracks.add(track2);
    const auth = message(sw.codec, '0100', purchaseFields(card.pan, card.expiry, 1_000, { 41: tid, ...extra }));
    await t.request(auth);
    await t.request(message(sw.codec, '0200', purchaseFields(card.pan, null, 1_000, { 2: undefined, 35: track2, 52: PIN_BLOCK, 41: tid, ...extra })));
    await t.request(message(sw.codec, '0400', { ...purchaseFields(card.pan, card.expiry, 1_000, { 41: tid, ...extra }), 90: originalData(auth) }));
    const broken = sw.codec.pack(message(sw.codec, '0200', purchaseFields(card.pan, null, 1_000, { 35: track2, 52: PIN_BLOCK, 41: tid, ...extra })));
    await drive(sw, t, broken.subarray(0, broken.length - 5));
  }));
  await sw.stop();
  logs.push(sw.log.text());
  auditDirs.push(sw.auditDir);
}

beforeAll(async () => {
  collector = await OtlpCollector.start();
  resources.add(() => collector.close());
  for (const card of fileCards()) secrets.pans.add(card.pan);
  secrets.pinBlocks.add(PIN_BLOCK);
  collectFixtureSecrets('iso87ascii');
  collectFixtureSecrets('iso87pos');
  await driveFixtures('iso87ascii', {});
  await driveFixtures('iso87pos', { spec: 'iso87pos', header: 'tpdu', framing: 'binary2' }, { framing: 'binary2', header: 'tpdu' });
  await driveCards(await serve(resources, { otlpEndpoint: collector.endpoint, issuerTimeoutMs: 100 }));
  // isotrace issuer, continuing the caller's trace from DE 48: its logs, audit and spans too.
  await driveCards(await issuer(resources, { otlpEndpoint: collector.endpoint, issuerTimeoutMs: 100, traceField: '48:TP' }), { 48: TRACE_DE48 });
});
afterAll(() => resources.run());

const leaksIn = (text: string): string[] => secrets.leaksIn(text);

describe('card data in logs and spans', () => {
  it('drove every fixture and card through the switch, logged at trace and exported spans', () => {
    const text = logs.join('\n');
    expect(logs).toHaveLength(4);
    const done = text.split('\n').filter((l) => l.includes('"evt":"txn.done"')).length;
    expect(done).toBeGreaterThan(testCards().length * 4 + listCases('iso87ascii').length);
    expect(text).toContain('"level":"trace","connId"'); // the keep-alive: the most verbose level was on
    // Roots: the switch's own, and the issuer's, children of the caller's span.
    expect(collector.spans.filter((s) => s.parentSpanId === '' || s.parentSpanId === CALLER_SPAN_ID).length).toBe(done);
    expect(collector.spans.filter((s) => s.parentSpanId === CALLER_SPAN_ID).length).toBeGreaterThanOrEqual(testCards().length * 3);
    expect(secrets.pans.size).toBeGreaterThanOrEqual(13);
    expect(secrets.tracks.size).toBeGreaterThanOrEqual(testCards().length);
    expect(secrets.pinBlocks.size).toBeGreaterThanOrEqual(3);
  });

  it('finds a clear PAN, track 2 or PIN block, and passes a masked PAN, when checking text', () => {
    const [pan] = secrets.pans;
    const [track] = secrets.tracks;
    const [pin] = secrets.pinBlocks;
    expect(leaksIn(`{"pan":"${pan}"}`)).toContain(pan);
    expect(leaksIn(`{"x":"${track.slice(track.indexOf('='))}"}`)).not.toEqual([]);
    expect(leaksIn(`{"pin":"${pin.toLowerCase()}"}`)).toContain(pin.toLowerCase());
    expect(leaksIn(`{"pan":"${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}"}`)).toEqual([]);
  });

  it('never writes a test PAN, track 2 or PIN block in clear to the log', () => {
    expect(leaksIn(logs.join('\n'))).toEqual([]);
  });

  it('never exports a test PAN, track 2 or PIN block in clear in span bytes', () => {
    const raw = Buffer.concat(collector.bodies);
    expect(leaksIn(raw.toString('latin1'))).toEqual([]);
    expect(leaksIn(JSON.stringify(collector.spans.map((s) => [s.name, s.attributes])))).toEqual([]);
    const rawPinBlocks = [...secrets.pinBlocks].filter((p) => raw.includes(Buffer.from(p, 'hex')));
    expect(rawPinBlocks).toEqual([]);
  });
});

async function allRecords(): Promise<AuditRecord[]> {
  return (await Promise.all(auditDirs.map((dir) => auditRecords(dir)))).flat();
}

/** Every file of the audit directories (records and any side file), as text. */
function auditFilesText(): string {
  return auditDirs.flatMap((dir) => readdirSync(dir).map((name) => readFileSync(join(dir, name), 'latin1'))).join('\n');
}

describe('card data in the audit trail', () => {
  it('recorded every transaction of every switch driven, one record per txn.done line', async () => {
    const records = await allRecords();
    const done = logs.join('\n').split('\n').filter((l) => l.includes('"evt":"txn.done"')).length;
    expect(auditDirs).toHaveLength(4);
    expect(records).toHaveLength(done);
    expect(iccData.size).toBeGreaterThanOrEqual(2);
  });

  it('never writes a test PAN, track 2, PIN block or DE 55 in clear to any audit file', () => {
    const text = auditFilesText();
    expect(text.length).toBeGreaterThan(0);
    expect(leaksIn(text)).toEqual([]);
    expect(forms(iccData).filter((icc) => text.includes(icc))).toEqual([]);
  });

  it('masks the PAN of every record to at most its first 6 and last 4 digits, with at least 6 hidden', async () => {
    const records = await allRecords();
    const pans = records.map((r) => r.request.pan).filter((p) => p !== null);
    expect(pans.length).toBeGreaterThan(testCards().length * 4);
    expect(pans.filter((p) => !MASKED_PAN.test(p))).toEqual([]);
    expect(testCards().map((c) => maskedPan(c.pan)).filter((p) => !pans.includes(p))).toEqual([]); // every card was recorded, masked
  });
});
