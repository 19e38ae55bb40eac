// Two `isotrace serve --store` processes (the built CLI) on one real PostgreSQL: a repeat sent to
// node B of a request node A answered gets A's answer byte for byte and never reaches the stub
// again; 1,000 repeats sent to both at once reach it once; a reversal on B releases A's hold, also
// one sent while A still waits for the issuer.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import { spawnServe, type ServeChild } from '../helpers/child-serve.js';
import { runCli } from '../helpers/cli.js';
import { startPostgres } from '../helpers/postgres.js';
import { postgresPerFile } from '../helpers/postgres-file.js';
import { sqlRows } from '../helpers/store-fixtures.js';
import { CardSecrets } from '../helpers/leak-check.js';
import { Resources } from '../helpers/serve-harness.js';
import { approvingCard, cardFor, fileCards, writeIssuerFiles } from '../helpers/test-cards.js';
import { Terminal, message, originalData, purchaseFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());
const db = postgresPerFile();

const codec = builtinCodec('iso87ascii');
const card = cardFor('00');
/** The card's account number on the store: its place in the cards file. */
const ACCOUNT = fileCards().findIndex((c) => c.pan === card.pan);

async function node(url: string, nodeId: string, extra: string[] = []): Promise<ServeChild> {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-shared-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return spawnServe(resources, ['--audit-dir', dir, '--store', url, '--node-id', nodeId, ...extra]);
}

async function terminal(s: ServeChild): Promise<Terminal> {
  const t = await Terminal.connect(s.port, codec);
  resources.add(() => t.close());
  return t;
}

/** The stub's holds on the card's account and its balance, read from the database. */
async function ledger(url: string): Promise<{ holds: number; released: number; availableMinor: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const holds = await c.query<{ n: string; released: string }>('SELECT count(*) AS n, count(released_at) AS released FROM isotrace.stub_holds WHERE account_no = $1', [ACCOUNT]);
    const account = await c.query<{ available_minor: string }>('SELECT available_minor FROM isotrace.stub_accounts WHERE account_no = $1', [ACCOUNT]);
    return { holds: Number(holds.rows[0].n), released: Number(holds.rows[0].released), availableMinor: Number(account.rows[0].available_minor) };
  } finally {
    await c.end();
  }
}

/** Every row of the shared state's tables as text, bytea columns read as latin1. */
async function rowsText(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = ['duplicate_claims', 'originals', 'stub_accounts', 'stub_holds'];
    const rows: unknown[] = [];
    for (const t of tables) rows.push((await c.query(`SELECT * FROM isotrace.${t}`)).rows);
    return JSON.stringify(rows, (_k, v: unknown) => (v !== null && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('latin1') : v));
  } finally {
    await c.end();
  }
}

/** The clear card numbers of the cards file that `text` holds. */
function secretsIn(text: string): string[] {
  const secrets = new CardSecrets();
  for (const c of fileCards()) secrets.pans.add(c.pan);
  return secrets.leaksIn(text);
}

describe('two serve --store nodes on one database', () => {
  it('answers a repeat on node B with node A\'s answer byte for byte, the stub asked once; a reversal on B releases A\'s hold', async () => {
    const url = await db.server.newDatabase();
    const [a, b] = await Promise.all([node(url, 'node-a'), node(url, 'node-b')]);
    const [ta, tb] = await Promise.all([terminal(a), terminal(b)]);
    const before = await ledger(url);
    const purchase = message(codec, '0100', purchaseFields(card.pan, card.expiry, 1_234));
    const frame = codec.pack(purchase);
    ta.sendBytes(frame);
    const first = await ta.nextAnswer();
    expect(codec.unpack(first.bytes).get(39)).toBe('00');
    tb.sendBytes(frame);
    const repeat = await tb.nextAnswer();
    expect(repeat.bytes.equals(first.bytes)).toBe(true);
    expect(await ledger(url)).toEqual({ holds: before.holds + 1, released: 0, availableMinor: before.availableMinor - 1_234 });

    const fields = Object.fromEntries(purchase.fields().map((de) => [de, String(purchase.get(de))]));
    const reversal = await tb.request(message(codec, '0400', { ...fields, 90: originalData(purchase) }));
    expect(reversal.mti).toBe('0410');
    expect(reversal.get(39)).toBe('00');
    expect(await ledger(url)).toEqual({ holds: before.holds + 1, released: 1, availableMinor: before.availableMinor });
    // The same reversal again on A: acknowledged, nothing released twice.
    expect((await ta.request(message(codec, '0400', { ...fields, 90: originalData(purchase) }))).get(39)).toBe('00');
    expect((await ledger(url)).availableMinor).toBe(before.availableMinor);
    // The answer the terminals got echoes the PAN; no row holds it in clear.
    expect(first.bytes.toString('latin1')).toContain(card.pan);
    const text = await rowsText(url);
    expect(text).toContain('0110'); // the kept answer is read as text
    expect(secretsIn(text)).toEqual([]);
  }, 60_000);

  it('has a reversal on node B wait for the approval still under way on node A, then release its hold', async () => {
    // The card's issuer takes 2.5 s: the reversal reaches B while A waits for it.
    const files = writeIssuerFiles(fileCards().map((c) => (c.pan === card.pan ? { ...c, delayMs: 2_500 } : c)));
    resources.add(() => rmSync(files.dir, { recursive: true, force: true }));
    const url = await db.server.newDatabase();
    const [a, b] = await Promise.all([node(url, 'node-a', ['--cards', files.cards]), node(url, 'node-b', ['--cards', files.cards])]);
    const [ta, tb] = await Promise.all([terminal(a), terminal(b)]);
    const before = await ledger(url);
    const purchase = message(codec, '0100', purchaseFields(card.pan, card.expiry, 777));
    ta.send(purchase);
    await expect.poll(async () => (await sqlRows(url, "SELECT 1 FROM isotrace.duplicate_claims WHERE node_id = 'node-a' AND state = 1")).length, { interval: 20, timeout: 2_000 }).toBe(1);
    const fields = Object.fromEntries(purchase.fields().map((de) => [de, String(purchase.get(de))]));
    const reversal = await tb.request(message(codec, '0400', { ...fields, 90: originalData(purchase) }));
    expect(reversal.get(39)).toBe('00');
    expect(codec.unpack((await ta.nextAnswer()).bytes).get(39)).toBe('00');
    expect(await ledger(url)).toEqual({ holds: before.holds + 1, released: 1, availableMinor: before.availableMinor });
  }, 60_000);

  it('reaches the stub once for 1,000 concurrent copies of one request sent to both nodes, every copy answered alike', async () => {
    const url = await db.server.newDatabase();
    const [a, b] = await Promise.all([node(url, 'node-a'), node(url, 'node-b')]);
    const terminals = await Promise.all([a, a, b, b].map((s) => terminal(s)));
    const before = await ledger(url);
    const frame = codec.pack(message(codec, '0100', purchaseFields(card.pan, card.expiry, 500)));
    for (let i = 0; i < 250; i++) for (const t of terminals) t.sendBytes(frame);
    const answers = await Promise.all(terminals.flatMap((t) => Array.from({ length: 250 }, () => t.nextAnswer())));
    expect(answers).toHaveLength(1_000);
    expect(codec.unpack(answers[0].bytes).get(39)).toBe('00');
    for (const x of answers) expect(x.bytes.equals(answers[0].bytes)).toBe(true);
    expect(await ledger(url)).toEqual({ holds: before.holds + 1, released: 0, availableMinor: before.availableMinor - 500 });
  }, 60_000);

  it('answers 96 while the database is stopped, without crashing, and approves again once it is back', async () => {
    const own = await startPostgres();
    resources.add(() => own.stop());
    const a = await node(own.url, 'node-a');
    const t = await terminal(a);
    const purchase = () => message(codec, '0100', purchaseFields(card.pan, card.expiry, 100));
    expect((await t.request(purchase())).get(39)).toBe('00');
    await own.stopServer();
    expect((await t.request(purchase())).get(39)).toBe('96');
    await own.startServer();
    await expect.poll(async () => (await t.request(purchase())).get(39), { timeout: 15_000, interval: 200 }).toBe('00');
    expect(a.child.exitCode).toBeNull();
    expect((await ledger(own.url)).holds).toBe(2);
  }, 60_000);

  it('refuses a node whose cards file differs from the one the store was seeded from: one line, exit 2', async () => {
    const url = await db.server.newDatabase();
    await node(url, 'node-a');
    const files = writeIssuerFiles([approvingCard(10)]);
    resources.add(() => rmSync(files.dir, { recursive: true, force: true }));
    const dir = mkdtempSync(join(tmpdir(), 'isotrace-shared-'));
    resources.add(() => rmSync(dir, { recursive: true, force: true }));
    const r = await runCli(['serve', '--port', '0', '--audit-dir', dir, '--store', url, '--node-id', 'node-b', '--cards', files.cards]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^isotrace: CONFIG_INVALID .*cards\.json: the store's stub accounts were seeded from another cards file/);
  }, 60_000);
});

