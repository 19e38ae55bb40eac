// txnLines: the journal thread's txn.done lines are, character for character, what the process's
// pino logger writes for txnLogLine's object and message: checked against createLogger's own output
// in a file, for approvals, declines, errors (numeric and named fields), audit failures, duplicates,
// values that need escaping, and a message with no route.

import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/cli/logger.js';
import { txnLines } from '../../src/journal/index.js';
import { IsoMessage } from '../../src/codec/index.js';
import { TxnContext, TxnOutcome, txnLogLine } from '../../src/switch/index.js';
import { IdSource, TraceRecord } from '../../src/trace/index.js';
import { tempDir } from '../audit/helpers/audit-fixtures.js';
import { testCards } from '../helpers/test-cards.js';

const PAN = testCards()[0].pan;
const ids = new IdSource();

function outcome(edit: (ctx: TxnContext) => void, mti = '0100'): TxnOutcome {
  const at = Date.UTC(2026, 10, 23, 9, 0, 0) * 1000;
  const request = new IsoMessage(mti).set(2, PAN).set(3, '000000').set(4, '000000010000').set(11, '000123').set(41, 'TERM0001');
  const ctx = new TxnContext(new TraceRecord(ids, `iso8583 ${mti}`, at), { connId: 'c7', remote: '127.0.0.1:40000' }, at, request, null);
  ctx.route = { issuer: 'stub', bin: PAN.slice(0, 6) };
  ctx.decide('00', 'approved', 'A1B2C3');
  ctx.completedAtUs = at + 1234;
  edit(ctx);
  return TxnOutcome.of(ctx);
}

const CASES: Array<[string, TxnOutcome]> = [
  ['an approval', outcome(() => {})],
  ['a decline', outcome((c) => c.decide('51', 'insufficient funds'))],
  ['a decode error at a numbered field', outcome((c) => { c.decide('30', 'format error'); c.error = { code: 'FIELD_TOO_LONG', field: 4, offset: 27 }; })],
  ['an error at a named field', outcome((c) => { c.decide('30', 'format error'); c.error = { code: 'BAD_MTI', field: 'mti', offset: 0 }; })],
  ['an error with no field', outcome((c) => { c.decide('96', 'route failed'); c.error = { code: 'SWITCH_INTERNAL', field: null, offset: null }; })],
  ['a duplicate', outcome((c) => { c.isDuplicate = true; })],
  ['no route', outcome((c) => { c.route = null; c.decide('15', 'no route'); })],
  ['a network message', outcome((c) => { c.route = null; c.decide('00', 'echo'); }, '0800')],
  ['values that need escaping', outcome((c) => { c.decide('05', 'said "no" \\ twice\u0001'); c.request.set(11, '12\n"3'); })],
];

/** What createLogger writes to a file for `write` (pino lines, ready-made lines, or both). */
function logged(write: (log: ReturnType<typeof createLogger>) => void): string[] {
  const path = join(tempDir(), 'log.jsonl');
  const log = createLogger('info', openSync(path, 'w'));
  write(log);
  log.flush();
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
}

describe('txnLines', () => {
  it.each(CASES)('writes what pino writes for %s', (_name, s) => {
    const [viaPino] = logged((log) => {
      const { obj, msg } = txnLogLine(s, null);
      log.logger.info(obj, msg);
    });
    const time = (JSON.parse(viaPino) as { time: number }).time;
    const [ours] = logged((log) => log.write(txnLines([s], null, log.bindings, time)));
    expect(ours).toBe(viaPino);
  });

  it('writes what pino writes when the audit write failed, for every outcome of the batch', () => {
    const all = CASES.map(([, s]) => s);
    const failure = { code: 'AUDIT_WRITE_FAILED' };
    const viaPino = logged((log) => {
      for (const s of all) {
        const { obj, msg } = txnLogLine(s, failure);
        log.logger.info(obj, msg);
      }
    });
    const times = viaPino.map((l) => (JSON.parse(l) as { time: number }).time);
    const ours = logged((log) => all.forEach((s, i) => log.write(txnLines([s], failure, log.bindings, times[i]))));
    expect(ours).toEqual(viaPino);
    expect(ours.map((l) => (JSON.parse(l) as { rc: string }).rc)).toEqual(all.map(() => '96'));
  });

  it('issue #13: logs 909 (as the switch answers) when the audit write of a 1993 transaction failed', () => {
    const s = outcome((c) => c.decide('000', 'approved', 'A1B2C3'), '1100');
    const failure = { code: 'AUDIT_WRITE_FAILED' };
    expect(txnLogLine(s, failure).obj.rc).toBe('909');
    const [line] = logged((log) => log.write(txnLines([s], failure, log.bindings, 1)));
    expect((JSON.parse(line) as { rc: string }).rc).toBe('909');
  });

  it('makes one line per outcome, in order, each ending in a newline', () => {
    const all = CASES.map(([, s]) => s);
    const text = txnLines(all, null, ',"service":"isotrace"', 1_700_000_000_000);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as { stan: string; rc: string; time: number });
    expect(lines.map((l) => l.stan)).toEqual(all.map((s) => s.stan));
    expect(lines.map((l) => l.rc)).toEqual(all.map((s) => s.responseCode));
    expect(lines.every((l) => l.time === 1_700_000_000_000)).toBe(true);
  });

  it('writes nothing for an empty batch', () => {
    expect(txnLines([], null, '', 1)).toBe('');
  });

  it('puts ready-made lines in order with the logger\'s own', () => {
    const lines = logged((log) => {
      log.logger.info({ evt: 'before' }, 'first');
      log.write(txnLines([CASES[0][1]], null, log.bindings, Date.now()));
      log.logger.info({ evt: 'after' }, 'last');
    });
    expect(lines.map((l) => (JSON.parse(l) as { evt: string }).evt)).toEqual(['before', 'txn.done', 'after']);
  });
});
