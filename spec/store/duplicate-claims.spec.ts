// PgDuplicates against a real PostgreSQL: claims before the issuer, settled with the answer the
// terminal got (less DE 2: no clear PAN in a row), abandoned on a 96; two instances on one database
// stand for two nodes. One turn's claims go in one statement; the window and stale claims are
// honoured; old rows are purged.

import { describe, expect, it } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import { PgDuplicates, StatePurge, Store, StoreError, type PgDuplicatesOptions } from '../../src/store/index.js';
import { answerWithoutPan, type CachedAnswer, type DuplicateHit } from '../../src/switch/index.js';
import { CardSecrets } from '../helpers/leak-check.js';
import { LogCollector } from '../helpers/log-collector.js';
import { startPostgres } from '../helpers/postgres.js';
import { postgresPerFile } from '../helpers/postgres-file.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields } from '../helpers/terminal.js';

const db = postgresPerFile();

async function node(url: string, nodeId: string, options: Partial<PgDuplicatesOptions> = {}): Promise<{ store: Store; dups: PgDuplicates; log: LogCollector }> {
  const log = new LogCollector();
  const store = await Store.open({ url, nodeId, version: 'test', logger: log });
  const dups = new PgDuplicates(store, log, codec, options);
  db.track(store);
  db.track(dups);
  return { store, dups, log };
}

/** Two nodes on a database of their own. */
async function twoNodes(options: Partial<PgDuplicatesOptions> = {}) {
  const url = await db.server.newDatabase();
  return { url, a: await node(url, 'node-a', options), b: await node(url, 'node-b', options) };
}

const codec = builtinCodec('iso87ascii');
const card = cardFor('00');

/** An approval as the switch packs it (DE 2 echoed), numbered `n` in DE 38. */
function answer(n: number): CachedAnswer {
  const fields = { ...purchaseFields(card.pan, null, 1_000, { 7: '1205101530', 11: '000042' }), 37: '000000000042', 38: `A0000${n}`, 39: '00' };
  return { bytes: codec.pack(message(codec, '0110', fields)), responseCode: '00', approvalCode: `A0000${n}` };
}

/** What a repeat on another node gets: the answer without DE 2 (the dedupe stage puts its own back). */
const kept = (n: number): CachedAnswer => answerWithoutPan(codec, answer(n));

/** A claim's hit, awaited whether the store answered at once or not. */
const claim = async (d: PgDuplicates, key: string): Promise<DuplicateHit | null> => d.claim(key);

describe('PgDuplicates', () => {
  it('claims a new key; a repeat on the same node waits for the first answer and gets it whole', async () => {
    const { a } = await twoNodes();
    expect(await claim(a.dups, 'k1')).toBeNull();
    const repeat = await claim(a.dups, 'k1');
    expect(repeat).not.toBeNull();
    await a.dups.settle('k1', answer(1));
    expect(await repeat!.answer).toEqual(answer(1));
    // Once settled, a repeat reads the answer as the store keeps it.
    const later = await claim(a.dups, 'k1');
    expect(await later!.answer).toEqual(kept(1));
  });

  it('gives a repeat on node B the answer node A settled, byte for byte', async () => {
    const { a, b } = await twoNodes();
    expect(await claim(a.dups, 'k')).toBeNull();
    await a.dups.settle('k', answer(7));
    const hit = await claim(b.dups, 'k');
    const got = await hit!.answer;
    expect(got!.bytes.equals(kept(7).bytes)).toBe(true);
    expect(got).toEqual(kept(7));
    expect(codec.unpack(got!.bytes).has(2)).toBe(false);
  });

  it('makes a repeat on node B wait for node A\'s claim in flight, then gives it A\'s answer', async () => {
    const { a, b } = await twoNodes();
    expect(await claim(a.dups, 'k')).toBeNull();
    const hit = await claim(b.dups, 'k');
    let isAnswered = false;
    const waiting = hit!.answer.then((x) => {
      isAnswered = true;
      return x;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(isAnswered).toBe(false);
    await a.dups.settle('k', answer(3));
    expect(await waiting).toEqual(kept(3));
  });

  it('sees a request under way on another node: waits for it there, not for its own, and not for a stale one', async () => {
    const { a, b } = await twoNodes({ staleClaimMs: 60_000 });
    expect(await b.dups.whenSettledElsewhere(['k1', 'k2'])).toBe(false);
    expect(await claim(a.dups, 'k2')).toBeNull();
    expect(await a.dups.whenSettledElsewhere(['k2'])).toBe(false); // its own: not elsewhere
    let waited: boolean | null = null;
    const waiting = b.dups.whenSettledElsewhere(['k1', 'k2']).then((w) => (waited = w));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(waited).toBeNull();
    await a.dups.settle('k2', answer(2));
    await waiting;
    expect(waited).toBe(true);
    // A claim whose node died (older than staleClaimMs) is no request under way.
    const stale = await twoNodes({ staleClaimMs: 1 });
    expect(await claim(stale.a.dups, 'k3')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await stale.b.dups.whenSettledElsewhere(['k3'])).toBe(false);
  });

  it('gives repeats null when the first is abandoned (a 96), and the next claim wins', async () => {
    const { a, b } = await twoNodes();
    expect(await claim(a.dups, 'k')).toBeNull();
    const onB = await claim(b.dups, 'k');
    const onA = await claim(a.dups, 'k');
    await a.dups.abandon('k');
    expect(await onA!.answer).toBeNull();
    expect(await onB!.answer).toBeNull();
    expect(await claim(b.dups, 'k')).toBeNull();
  });

  it('lets exactly one of 1,000 concurrent claims of one key across two nodes win', async () => {
    const { a, b } = await twoNodes();
    const claims = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? a : b).dups.claim('same'));
    const hits = await Promise.all(claims);
    const winners = hits.filter((h) => h === null);
    expect(winners).toHaveLength(1);
    const winner = hits.indexOf(null) % 2 === 0 ? a : b;
    await winner.dups.settle('same', answer(9));
    const answers = await Promise.all(hits.filter((h) => h !== null).map((h) => h!.answer));
    expect(answers).toHaveLength(999);
    // Repeats on the winner's node get the answer whole, those on the other as kept.
    for (const got of answers) expect([answer(9), kept(9)]).toContainEqual(got);
    expect(answers.filter((got) => got!.bytes.equals(kept(9).bytes))).toHaveLength(500);
  });

  it('sends the claims of one event-loop turn in one statement', async () => {
    const { a } = await twoNodes();
    let acquired = 0;
    a.store.pool.on('acquire', () => acquired++);
    const hits = await Promise.all(Array.from({ length: 100 }, (_, i) => a.dups.claim(`key-${i}`)));
    expect(hits.every((h) => h === null)).toBe(true);
    expect(acquired).toBe(1);
  });

  it('takes over an answer past its window', async () => {
    const { a, b } = await twoNodes({ windowMs: 40 });
    expect(await claim(a.dups, 'k')).toBeNull();
    await a.dups.settle('k', answer(1));
    expect(await claim(b.dups, 'k')).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await claim(b.dups, 'k')).toBeNull();
  });

  it('hands a repeat a claim that went stale (its node died before answering) as new', async () => {
    const { a, b } = await twoNodes({ staleClaimMs: 80, windowMs: 10 });
    expect(await claim(a.dups, 'k')).toBeNull(); // never settled
    const hit = await claim(b.dups, 'k');
    expect(await hit!.answer).toBeNull(); // waited until stale: to be handled anew
    expect(await claim(b.dups, 'k')).toBeNull();
  });

  it('takes over at once a claim this node made and holds no more (a process before it with the same node id)', async () => {
    const { a } = await twoNodes();
    expect(await claim(a.dups, 'k')).toBeNull(); // never settled: the process "died"
    const again = db.track(new PgDuplicates(a.store, a.log, codec));
    expect(await claim(again, 'k')).toBeNull();
  });

  it('purges answers past their window and stale claims, and keeps the rest', async () => {
    const { a } = await twoNodes({ windowMs: 30, staleClaimMs: 60_000 });
    expect(await claim(a.dups, 'old')).toBeNull();
    await a.dups.settle('old', answer(1));
    expect(await claim(a.dups, 'in-flight')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const purge = new StatePurge(a.store, a.log, { everyMs: 60_000, staleClaimMs: 60_000, keepMs: 60_000 });
    await purge.run();
    await purge.close();
    const { rows } = await a.store.query<{ key: string }>('a test', 'SELECT key FROM isotrace.duplicate_claims ORDER BY key');
    expect(rows.map((r) => r.key)).toEqual(['in-flight']);
  });

  it('keeps the answer without its clear PAN, and no other card data in any column', async () => {
    const { a } = await twoNodes();
    expect(await claim(a.dups, 'k')).toBeNull();
    await a.dups.settle('k', answer(2));
    const { rows } = await a.store.query('a test', 'SELECT * FROM isotrace.duplicate_claims');
    expect(Object.keys(rows[0]).sort()).toEqual(['answer', 'approval_code', 'claimed_at', 'expires_at', 'key', 'node_id', 'response_code', 'state']);
    expect(rows[0]).toMatchObject({ key: 'k', node_id: 'node-a', state: 2, answer: kept(2).bytes, response_code: '00', approval_code: 'A00002' });
    const secrets = new CardSecrets();
    secrets.pans.add(card.pan);
    expect(answer(2).bytes.toString('latin1')).toContain(card.pan); // the answer the terminal got echoes it
    expect(secrets.leaksIn(JSON.stringify(rows) + (rows[0].answer as Buffer).toString('latin1'))).toEqual([]);
  });
});

describe('PgDuplicates with the database stopped', () => {
  it('rejects claims with STORE_UNAVAILABLE, keeps settles for later, and works again once it is back', async () => {
    const own = await startPostgres();
    try {
      const a = await node(own.url, 'outage');
      expect(await claim(a.dups, 'before')).toBeNull();
      await own.stopServer();
      const err = await claim(a.dups, 'during').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('STORE_UNAVAILABLE');
      await a.dups.settle('before', answer(5)); // resolves: retried in the background
      // The settle waits for the store, tried again in the background.
      expect(a.log.events('store.settle_failed').length).toBeGreaterThanOrEqual(1);
      await own.startServer();
      const owed = (): number => a.log.events('store.settle_failed').length - a.log.events('store.settle_failed_recovered').length;
      await expect.poll(owed, { timeout: 15_000 }).toBe(0);
      expect(await claim(a.dups, 'during')).toBeNull();
      const b = await node(own.url, 'outage-b');
      expect(await (await claim(b.dups, 'before'))!.answer).toEqual(kept(5));
    } finally {
      await own.stop();
    }
  }, 60_000);
});
