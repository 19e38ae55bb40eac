// RemoteIssuer.reverse with no link up: the reversal is queued as an advice and counts as done (00)
// only once the advice is on disk; a queue whose disk fails makes it reject (the switch answers the
// terminal 96, so that it sends the reversal again), never a 00 for an advice that is nowhere.

import { afterEach, describe, expect, it } from 'vitest';
import { IsoMessage } from '../../../src/codec/index.js';
import { DEFAULT_REMOTE_ISSUER, type RemoteIssuerDefinition } from '../../../src/issuer/index.js';
import { RemoteIssuer } from '../../../src/issuer/remote/remote-issuer.js';
import type { ReversalRequest } from '../../../src/common/index.js';
import { SteeredFs } from '../../audit/helpers/audit-fixtures.js';
import { LogCollector } from '../../helpers/log-collector.js';
import { freeTcpPort } from '../../helpers/postgres.js';
import { openQueue, PAN, safDir } from '../../saf/helpers/saf-fixtures.js';
import { CODEC } from '../../link/helpers/issuer.js';
import { Cleanup } from '../../transport/helpers/sockets.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A remote issuer whose one endpoint has nothing listening (no link ever up), its queue on `fs`. */
async function unreachableIssuer(fs: SteeredFs): Promise<{ issuer: RemoteIssuer; log: LogCollector; owed: () => number }> {
  const port = await freeTcpPort();
  const def: RemoteIssuerDefinition = {
    ...DEFAULT_REMOTE_ISSUER, type: 'remote', name: 'acme', spec: 'iso87ascii', endpoints: [{ url: `tcp://127.0.0.1:${port}`, host: '127.0.0.1', port }],
  };
  const saf = await openQueue(safDir(), { fs });
  const log = new LogCollector('debug');
  const issuer = new RemoteIssuer({ def, terminal: CODEC, issuer: CODEC, timeoutMs: 500, saf, logger: log });
  cleanup.add(() => issuer.close());
  return { issuer, log, owed: () => saf.size };
}

/** The terminal's reversal of the approval of 0100 STAN 000042 sent at 1205101530. */
function reversal(): ReversalRequest<IsoMessage> {
  const message = new IsoMessage('0400').set(2, PAN).set(3, '000000').set(4, '000000001000').set(7, '1205101600').set(11, '000043')
    .set(32, '123456').set(41, 'TERM0001').set(49, '978');
  return { message, holdId: '01000000421205101530', traceId: 'a'.repeat(32), traceparent: null, rrn: '633901000043', cause: 'cancellation' };
}

describe('RemoteIssuer.reverse with no link up', () => {
  it('queues the reversal as an advice and answers 00 once it is on disk', async () => {
    const { issuer, owed } = await unreachableIssuer(new SteeredFs());
    expect(await issuer.reverse(reversal())).toMatchObject({ responseCode: '00', reason: 'reversal advice queued for the issuer' });
    expect(owed()).toBe(1);
  });

  it('rejects with the queue\'s error when the advice cannot be written, and logs it loudly', async () => {
    const fs = new SteeredFs();
    const { issuer, log, owed } = await unreachableIssuer(fs);
    fs.failSync = 'EIO';
    await expect(issuer.reverse(reversal())).rejects.toMatchObject({ code: 'SAF_WRITE_FAILED' });
    expect(owed()).toBe(0);
    expect(log.lines.filter((l) => l.evt === 'saf.enqueue_failed')).toEqual([expect.objectContaining({ level: 'error', reason: 'cancellation' })]);
  });
});
