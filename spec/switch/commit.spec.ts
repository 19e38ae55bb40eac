// The commit phase through Switch.handle, in both editions: after the decision the participants run
// in order (the journal, then remember the original, settle the duplicate, export the trace), and
// when the record cannot be written the abort path runs instead: the dialect's SYSTEM_ERROR, the
// issuer's hold released, nothing kept for repeats, no original to reverse. The duplicate cache,
// originals table, issuer, journal and trace sink are the real ones, each noting when it is used.

import { describe, expect, it } from 'vitest';
import { builtinCodec, type IsoMessage } from '../../src/codec/index.js';
import { StubIssuer } from '../../src/issuer/index.js';
import type { IssuerBackend } from '../../src/common/index.js';
import {
  ABORT, COMMIT, DuplicateCache, InlineJournal, OriginalsTable, Switch,
  type CachedAnswer, type TxnJournal, type TxnOutcome,
} from '../../src/switch/index.js';
import type { TraceRecord } from '../../src/trace/index.js';
import { request93 } from '../helpers/iso93.js';
import { CONN, testSwitch, TraceCapture } from '../helpers/switch-env.js';
import { cardFor, fileCards } from '../helpers/test-cards.js';
import { message, originalData, purchaseFields } from '../helpers/terminal.js';

const card = cardFor('00');
const codec87 = builtinCodec('iso87ascii');
const codec93 = builtinCodec('iso93ascii');

interface Edition {
  edition: string;
  codec: typeof codec87;
  systemError: string;
  purchase(): IsoMessage;
  /** A reversal naming `original`. */
  reversal(original: IsoMessage): IsoMessage;
}

const EDITIONS: Edition[] = [
  {
    edition: '1987', codec: codec87, systemError: '96',
    purchase: () => message(codec87, '0100', purchaseFields(card.pan, card.expiry, 1_000)),
    reversal: (o) => message(codec87, '0400', { ...Object.fromEntries(o.fields().map((de) => [de, o.get(de) as string])), 90: originalData(o) }),
  },
  {
    edition: '1993', codec: codec93, systemError: '909',
    purchase: () => request93('1100', card.pan),
    reversal: (o) => request93('1400', '', '000000001000', { 2: '', 56: `1100${o.get(11)}${o.get(12)}06123456` }),
  },
];

/** A Switch whose duplicate cache, originals table, issuer, journal and trace sink note each use in `events`. */
function observedSwitch(ed: Edition) {
  const events: string[] = [];
  const stub = new StubIssuer(fileCards());
  const issuer: IssuerBackend<IsoMessage> = {
    name: 'stub',
    authorize: (req, ms) => stub.authorize(req, ms),
    reverse: (req) => {
      events.push('issuer.reverse');
      return stub.reverse(req);
    },
    close: async () => {},
  };
  class NotedDuplicates extends DuplicateCache {
    override settle(key: string, answer: CachedAnswer): void {
      events.push('settle');
      super.settle(key, answer);
    }
    override abandon(key: string): void {
      events.push('abandon');
      super.abandon(key);
    }
  }
  class NotedOriginals extends OriginalsTable {
    override remember(...args: Parameters<OriginalsTable['remember']>): void {
      events.push('remember');
      super.remember(...args);
    }
  }
  class NotedTraces extends TraceCapture {
    override export(trace: TraceRecord): void {
      events.push('export');
      super.export(trace);
    }
  }
  const t = testSwitch({ codec: ed.codec, duplicates: new NotedDuplicates(), originals: new NotedOriginals() }, { stub: issuer });
  const inline = new InlineJournal(t.audit, t.log);
  const completedUs: number[] = [];
  const journal: TxnJournal = {
    record(outcome: TxnOutcome) {
      events.push('journal');
      completedUs.push(outcome.completedUs);
      return inline.record(outcome);
    },
  };
  const traces = new NotedTraces();
  const sw = new Switch(t.env, traces, journal);
  const answer = async (msg: IsoMessage) => ed.codec.unpack((await sw.handle(ed.codec.pack(msg), CONN))!);
  return { ...t, stub, events, traces, completedUs, answer };
}

describe('the commit phase', () => {
  it('names the commit participants and the abort participants in the order they run', () => {
    expect(COMMIT.map(([name]) => name)).toEqual(['journal', 'remember', 'settle', 'export']);
    expect(ABORT.map(([name]) => name)).toEqual(['release', 'answer', 'settle', 'export']);
  });

  it.each(EDITIONS)('runs the journal, then remembers the original, settles the duplicate and exports the trace ($edition)', async (ed) => {
    const t = observedSwitch(ed);
    const res = await t.answer(ed.purchase());
    expect([res.get(39), res.has(38)]).toEqual([t.env.dialect.codes.APPROVED, true]);
    expect(t.events).toEqual(['journal', 'remember', 'settle', 'export']);
    expect(t.audit.records).toHaveLength(1);
    expect(t.traces.traces).toHaveLength(1);
  });

  it.each(EDITIONS)('answers $systemError when the record cannot be written, releases the hold, keeps nothing for repeats and remembers no original ($edition)', async (ed) => {
    const t = observedSwitch(ed);
    const before = t.stub.availableMinor(card.pan)!;
    t.audit.failWith = Object.assign(new Error('disk full'), { code: 'AUDIT_WRITE_FAILED' });
    const req = ed.purchase();
    const failed = await t.answer(req);
    expect([failed.mti, failed.get(39), failed.has(38), failed.get(11)]).toEqual([ed.codec === codec87 ? '0110' : '1110', ed.systemError, false, req.get(11)]);
    expect(t.events).toEqual(['journal', 'issuer.reverse', 'abandon', 'export']);
    expect(t.stub.availableMinor(card.pan)).toBe(before);
    expect(t.log.events('txn.hold_released')).toMatchObject([{ level: 'warn', issuer: 'stub' }]);
    expect(t.log.events('txn.audit_failed')).toMatchObject([{ level: 'error', err: { code: 'AUDIT_WRITE_FAILED' } }]);
    // The root span, ended before the journal, keeps its end and gets the new code and the error.
    const root = t.traces.traces[0].root;
    expect([root.status, root.attributes['iso.response_code'], root.attributes['error.code'], root.endUs]).toEqual(['error', ed.systemError, 'AUDIT_WRITE_FAILED', t.completedUs[0]]);

    t.audit.failWith = null;
    // No original: a reversal of the failed approval finds nothing (and releases nothing twice).
    const reversal = await t.answer(ed.reversal(req));
    expect(reversal.get(39)).toBe(t.env.dialect.codes.ORIGINAL_NOT_FOUND);
    expect(t.stub.availableMinor(card.pan)).toBe(before);
    // Nothing cached: the resend reaches the issuer again and is approved anew.
    t.events.length = 0;
    const resent = await t.answer(req);
    expect([resent.get(39), resent.has(38)]).toEqual([t.env.dialect.codes.APPROVED, true]);
    expect(t.stub.availableMinor(card.pan)).toBe(before - 1_000);
    expect(t.events).toEqual(['journal', 'remember', 'settle', 'export']);
  });
});
