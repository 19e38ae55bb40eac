// The saf directory on disk: torn-line repair, compaction, the lock, and card data (the PAN sealed,
// the key's file and its checks).

import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE, LOG_FILE, SafQueue, readSafEntries } from '../../src/saf/index.js';
import { CaptureLogger } from '../transport/helpers/capture-logger.js';
import { advice, dirBytes, logEvents, openQueue, PAN, safDir } from './helpers/saf-fixtures.js';

async function refusal(dir: string): Promise<Error> {
  return SafQueue.open({ dir }).then(async (q) => {
    await q.close();
    throw new Error('opened');
  }, (err: Error) => err);
}

describe('saf directory', () => {
  it('issue #15: a torn last line (a crash mid-write) is set aside and cut; the entries before it stand', async () => {
    const dir = safDir();
    const q = await SafQueue.open({ dir });
    await q.enqueue(advice(1));
    await q.markSent(1);
    await q.close();
    const torn = '{"ev":"acknowledged","id":1,"a';
    appendFileSync(join(dir, LOG_FILE), torn);
    const log = new CaptureLogger();
    const again = await openQueue(dir, { logger: log });
    expect(again.next('acme')).toMatchObject({ mti: '0421', entry: { id: 1 } });
    expect(log.events('saf.torn_line_set_aside')).toMatchObject([{ level: 'warn', tornBytes: torn.length }]);
    const side = readdirSync(dir).filter((n) => n.startsWith(`${LOG_FILE}.torn-`));
    expect(side).toHaveLength(1);
    expect(readFileSync(join(dir, side[0]), 'utf8')).toBe(torn);
    expect(readFileSync(join(dir, LOG_FILE), 'utf8').endsWith('\n')).toBe(true);
    expect(await again.enqueue(advice(2))).toBe(2);
  });

  it('issue #15: a line that is not an event before the last one is damage: SAF_BAD_LOG naming line and byte', async () => {
    const dir = safDir();
    const q = await SafQueue.open({ dir });
    await q.enqueue(advice(1));
    await q.enqueue(advice(2));
    await q.close();
    const lines = readFileSync(join(dir, LOG_FILE), 'utf8').split('\n');
    lines[1] = lines[1].replace('"ev":"entry"', '"ev":"entri"');
    writeFileSync(join(dir, LOG_FILE), lines.join('\n'));
    const err = await refusal(dir);
    expect(err).toMatchObject({ code: 'SAF_BAD_LOG', message: expect.stringMatching(/saf\.log line 2 \(byte \d+\) is not a saf event \(unknown event "entri"\)$/) });
    await expect(readSafEntries(dir)).rejects.toMatchObject({ code: 'SAF_BAD_LOG' });
  });

  it('issue #15: once nothing is owed, the log is compacted to its header; ids go on after it', async () => {
    const dir = safDir();
    const log = new CaptureLogger();
    const q = await openQueue(dir, { logger: log });
    for (let i = 1; i <= 3; i++) await q.markSent(await q.enqueue(advice(i)));
    for (let i = 1; i <= 3; i++) await q.acknowledge(i);
    await q.close();
    expect(logEvents(dir)).toEqual([{ ev: 'log', v: 1, nextId: 4 }]);
    expect(log.events('saf.compacted').length).toBeGreaterThan(0);
    const again = await openQueue(dir);
    expect(await again.enqueue(advice(4))).toBe(4);
  });

  it('issue #15: past compactAtBytes with mostly history, the log is rewritten as the entries owed alone, as they stand', async () => {
    const dir = safDir();
    const q = await openQueue(dir, { compactAtBytes: 4096 });
    const keep = await q.enqueue(advice(1));
    await q.markSent(keep);
    for (let i = 2; i < 40; i++) {
      const id = await q.enqueue(advice(i));
      await q.acknowledge(id);
    }
    expect(statSync(join(dir, LOG_FILE)).size).toBeLessThan(4096 + 2048);
    const before = q.entries();
    await q.close();
    const events = logEvents(dir);
    expect(events.filter((e) => e.ev === 'entry').map((e) => e.id)).toContain(1);
    const again = await openQueue(dir);
    expect(again.entries()).toEqual(before);
    expect(again.next('acme')).toMatchObject({ mti: '0421', entry: { id: 1, attempts: 1 } });
  });

  it('issue #15: a compaction cut short by a crash (its temporary file left) changes nothing', async () => {
    const dir = safDir();
    const q = await SafQueue.open({ dir });
    await q.enqueue(advice(1));
    await q.close();
    writeFileSync(join(dir, `${LOG_FILE}.tmp`), '{"ev":"log","v":1,"nextId":1}\n');
    const again = await openQueue(dir);
    expect(again.entries().map((e) => e.id)).toEqual([1]);
    expect(existsSync(join(dir, `${LOG_FILE}.tmp`))).toBe(false);
  });

  it('issue #15: a second owner of the directory is refused with SAF_LOCKED naming the holder; after close it may open', async () => {
    const dir = safDir();
    const first = await SafQueue.open({ dir });
    const err = await refusal(dir);
    expect(err).toMatchObject({ name: 'SafError', code: 'SAF_LOCKED', message: expect.stringContaining(`saf directory ${dir} is in use by pid ${process.pid}`) });
    await first.close();
    await (await SafQueue.open({ dir })).close();
  });

  it('issue #15: the PAN never reaches the disk in clear: its digits are in no file of the directory, yet it comes back after a restart', async () => {
    const dir = safDir();
    const q = await SafQueue.open({ dir });
    await q.enqueue(advice(1, 'acme', { fields: { ...advice(1).fields, 48: 'SECRETPRIVATE' }, sensitive: [48] }));
    await q.markSent(1);
    await q.close();
    const bytes = dirBytes(dir);
    expect(bytes.includes(Buffer.from(PAN))).toBe(false);
    expect(bytes.includes(Buffer.from('SECRETPRIVATE'))).toBe(false);
    expect(bytes.includes(Buffer.from('000000001000'))).toBe(true); // not sensitive: in clear, so the grep is a real one
    const again = await openQueue(dir);
    expect(again.get(1)).toMatchObject({ fields: { 2: PAN, 48: 'SECRETPRIVATE' }, sensitive: [2, 48] });
  });

  it('issue #15: saf.key is 32 bytes, mode 0600, made on first open and kept', async () => {
    const dir = safDir();
    await (await SafQueue.open({ dir })).close();
    const key = readFileSync(join(dir, KEY_FILE));
    expect(key.length).toBe(32);
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    await (await SafQueue.open({ dir })).close();
    expect(readFileSync(join(dir, KEY_FILE)).equals(key)).toBe(true);
  });

  it.each([
    ['of another directory', (path: string) => writeFileSync(path, Buffer.alloc(32, 7), { mode: 0o600 }), /entry 1: saf\.key does not open its sealed fields/],
    ['readable by others', (path: string) => chmodSync(path, 0o644), /saf\.key may be read by other users \(mode 644\); chmod 600 it$/],
    ['of the wrong size', (path: string) => writeFileSync(path, Buffer.alloc(16)), /saf\.key holds 16 bytes, not 32$/],
  ])('issue #15: a key %s is refused with SAF_KEY_INVALID', async (_what, spoil, message) => {
    const dir = safDir();
    const q = await SafQueue.open({ dir });
    await q.enqueue(advice(1));
    await q.close();
    spoil(join(dir, KEY_FILE));
    expect(await refusal(dir)).toMatchObject({ code: 'SAF_KEY_INVALID', message: expect.stringMatching(message) });
  });

  it('issue #15: sealed entries without saf.key are SAF_KEY_MISSING for reader and owner, and no new key is made for them', async () => {
    const dir = safDir();
    const q = await SafQueue.open({ dir });
    await q.enqueue(advice(1));
    await q.close();
    writeFileSync(join(dir, KEY_FILE), '');
    await expect(readSafEntries(dir)).rejects.toMatchObject({ code: 'SAF_KEY_INVALID' });
    rmSync(join(dir, KEY_FILE));
    await expect(readSafEntries(dir)).rejects.toMatchObject({ code: 'SAF_KEY_MISSING', message: expect.stringContaining('entry 1 has sealed fields but the directory has no saf.key') });
    expect(await refusal(dir)).toMatchObject({ code: 'SAF_KEY_MISSING' });
    expect(existsSync(join(dir, KEY_FILE))).toBe(false);
  });
});
