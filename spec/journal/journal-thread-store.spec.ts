// JournalThread on the transaction log (--store; the built dist/ copy of the worker: run `npm run
// build` first): the switch's transactions and its reversal advices are committed rows of the
// node's chain once a strict record resolves; with the database stopped a strict record fails with
// StoreError STORE_UNAVAILABLE (the switch answers 96), and it goes on by itself once it is back.

import { afterEach, describe, expect, it } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { JournalThread } from '../../src/journal/index.js';
import { StoreError, openTxnLogReader, txnLogConnectionOf, verifyTxnLog } from '../../src/store/index.js';
import { Switch } from '../../src/switch/index.js';
import { LogCollector } from '../helpers/log-collector.js';
import { freeTcpPort } from '../helpers/postgres.js';
import { Resources } from '../helpers/serve-harness.js';
import { postgresForFile, sqlRows, storeDatabase } from '../helpers/store-fixtures.js';
import { TraceCapture, testSwitch } from '../helpers/switch-env.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields } from '../helpers/terminal.js';

const pgFile = postgresForFile();
const resources = new Resources();
afterEach(() => resources.run());

const rows = (url: string) => sqlRows<{ seq: string; mti: string; response_code: string; issuer: string | null }>(url, 'SELECT seq, mti, response_code, issuer FROM isotrace.txn_log ORDER BY seq');

/** A switch whose journal is a JournalThread on a new database's transaction log, as node `nodeId`. */
async function switchOnStore(nodeId: string) {
  const { url, stores: [store] } = await storeDatabase(pgFile.server, resources, nodeId);
  const { env, log } = testSwitch();
  const journal = await JournalThread.open({ dir: '/nonexistent/unused', mode: 'strict', key: null, logger: log, store: { connection: txnLogConnectionOf(store), nodeId } });
  resources.add(() => journal.close().catch(() => {}));
  /** What the journal's strict records were rejected with, as the switch's commit phase saw it. */
  const rejections: unknown[] = [];
  const sw = new Switch(env, new TraceCapture(), {
    record: (o) => journal.record(o).catch((err: unknown) => {
      rejections.push(err);
      throw err;
    }),
  });
  const card = cardFor('00');
  const buy = async (): Promise<string> => {
    const bytes = await sw.handle(env.codec.pack(message(env.codec, '0100', purchaseFields(card.pan, card.expiry, 100))), { connId: 'c1', remote: '127.0.0.1:40000' });
    return String(env.codec.unpack(bytes!).get(39));
  };
  return { url, sw, log, buy, journal, rejections };
}

describe('JournalThread on the transaction log', () => {
  it('commits each strict record before the answer leaves, advices too, on the node\'s chain', async () => {
    const { url, sw, buy, journal } = await switchOnStore('journal-a');
    expect(await buy()).toBe('00');
    expect(await rows(url)).toEqual([{ seq: '1', mti: '0100', response_code: '00', issuer: 'stub' }]);
    const sent = new IsoMessage('0420').set(2, cardFor('00').pan).set(11, '000123').set(41, 'TERM0001');
    await sw.recordAdvice({ issuer: 'remote-a', sent, answer: new IsoMessage('0430').set(11, '000123').set(39, '00'), traceparent: null, reason: 'timeout', attempts: 2 });
    expect((await rows(url)).at(-1)).toEqual({ seq: '2', mti: '0420', response_code: '00', issuer: 'remote-a' });
    await journal.close();
    const c = await openTxnLogReader(url);
    resources.add(() => c.end());
    expect(await verifyTxnLog(c, null)).toEqual([{ nodeId: 'journal-a', records: 2, startSeq: 0, head: journal.head, broken: null }]);
  });

  it('fails strict records with StoreError STORE_UNAVAILABLE while the database is stopped (answer 96), then commits again', async () => {
    const { url, buy, log, rejections } = await switchOnStore('journal-b');
    expect(await buy()).toBe('00');
    await pgFile.server.stopServer();
    let down: string | undefined;
    try {
      down = await buy();
    } finally {
      await pgFile.server.startServer();
    }
    expect(down).toBe('96');
    expect(log.lines.find((l) => l.evt === 'txn.done' && l.rc === '96')).toBeDefined();
    expect(log.lines.find((l) => l.evt === 'audit.write_failed')).toMatchObject({ store: true, node: 'journal-b', err: { code: 'STORE_UNAVAILABLE' } });
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toBeInstanceOf(StoreError);
    expect(rejections[0]).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('1 audit record not written') });
    expect(await buy()).toBe('00');
    expect((await rows(url)).map((r) => r.response_code)).toEqual(['00', '00']);
  }, 30_000);

  it('refuses to open when the database does not answer: StoreError STORE_UNAVAILABLE', async () => {
    const port = await freeTcpPort();
    const opening = JournalThread.open({
      dir: '/nonexistent/unused', mode: 'strict', key: null, logger: new LogCollector(),
      store: { connection: { connectionString: `postgres://u:pw@127.0.0.1:${port}/x`, connectionTimeoutMillis: 1000 }, nodeId: 'nobody' },
    });
    await expect(opening).rejects.toMatchObject({ constructor: StoreError, code: 'STORE_UNAVAILABLE' });
  });
});
