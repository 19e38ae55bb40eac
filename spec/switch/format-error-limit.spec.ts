// isotrace serve against a peer flooding garbage frames: every frame it cannot read counts, and
// past maxFormatErrorsPerConnection the connection is closed after its answers; a well-behaved
// terminal on another connection is not affected; the garbage leaves compact audit records.

import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit, verifyAudit } from '../../src/audit/index.js';
import { Resources, serve } from '../helpers/serve-harness.js';
import { message, networkFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());

describe('serve with a peer sending unreadable frames', () => {
  it('issue #13: answers RC 30 up to the limit, then closes the connection, and keeps serving others', async () => {
    const sw = await serve(resources, { maxFormatErrorsPerConnection: '3' });
    const flood = await sw.terminal();
    // `00040100` on the wire: an MTI and nothing else, not even a bitmap.
    for (let i = 0; i < 20; i++) flood.sendBytes(Buffer.from('0100', 'latin1'));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await flood.receive());
    expect(answers.map((a) => [a.mti, a.get(39)])).toEqual(Array(4).fill(['0110', '30']));
    await flood.closed();
    const line = await sw.log.next('conn.format_errors');
    expect(line).toMatchObject({ level: 'warn', limit: 'connection', count: 4, max: 3, err: { code: 'CONN_FORMAT_ERRORS' } });
    expect(sw.running.switch.counters.transactions).toBe(4);
    const good = await sw.terminal();
    const answer = await good.request(message(sw.codec, '0800', networkFields('301')));
    expect(answer.get(39)).toBe('00');
    await sw.stop();
    const records = (await queryAudit(sw.auditDir, { responseCode: '30' }, 50)).map((e) => e.record);
    expect(records).toHaveLength(4);
    for (const r of records) {
      expect(r).toMatchObject({ frame_bytes: 4, request: { mti: '0100' }, error: { code: expect.stringMatching(/^CODEC_/) } });
      expect(r).not.toHaveProperty('stages');
    }
    expect(await verifyAudit(sw.auditDir, null)).toMatchObject({ ok: true, records: 5 });
  });

  it('issue #13: counts frames dropped with an unreadable MTI too', async () => {
    const sw = await serve(resources, { maxFormatErrorsPerConnection: '2' });
    const flood = await sw.terminal();
    for (let i = 0; i < 10; i++) flood.sendBytes(Buffer.from('xx', 'latin1'));
    await flood.closed();
    expect(sw.running.switch.counters.unreadable).toBe(3);
  });
});
